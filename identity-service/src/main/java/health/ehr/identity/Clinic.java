package health.ehr.identity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A partner clinic: a Keycloak confidential client whose service account is the party. */
@Entity
@Table(name = "clinic")
public class Clinic {

    @Id
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "clinic_id")
    public UUID clinicId;

    @Column(name = "name")
    public String name;

    /** The Keycloak client id the clinic authenticates with (client-credentials grant). */
    @Column(name = "client_id")
    public String clientId;
}
