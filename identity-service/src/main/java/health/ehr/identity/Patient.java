package health.ehr.identity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.LocalDate;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A patient's pseudonymous chain identity and custodial controller key (wrapped). */
@Entity
@Table(name = "patient")
public class Patient {

    @Id
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "patient_id")
    public UUID patientId;

    @Column(name = "birth_date")
    public LocalDate birthDate;

    /** The keyed hash that stands for the patient on chain (bytes32, 0x hex). */
    @Column(name = "chain_id")
    public String chainId;

    /** Address of the custodial key that PatientRegistry names as the patient's controller. */
    @Column(name = "controller_address")
    public String controllerAddress;

    /** The controller's private key, encrypted under the key-encryption key {@link #kekId}. */
    @Column(name = "wrapped_key")
    public byte[] wrappedKey;

    @Column(name = "kek_id")
    public String kekId;
}
