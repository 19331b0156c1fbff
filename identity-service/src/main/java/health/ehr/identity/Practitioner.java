package health.ehr.identity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A practitioner's professional details. */
@Entity
@Table(name = "practitioner")
public class Practitioner {

    @Id
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "practitioner_id")
    public UUID practitionerId;

    @Column(name = "license_number")
    public String licenseNumber;

    @Column(name = "specialty")
    public String specialty;

    @Column(name = "organization")
    public String organization;
}
