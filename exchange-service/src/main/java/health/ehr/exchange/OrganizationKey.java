package health.ehr.exchange;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** One of the organisation's keys: its private half wrapped by a key-encryption key, its public half in clear. */
@Entity
@Table(name = "organization_key")
public class OrganizationKey {

    /** What a key is for. */
    public enum Purpose {
        /** secp256k1: signs outgoing request JWS; its address is the entry's signer on chain. */
        SIGNING,
        /** Tink hybrid (HPKE) keyset: peers seal released records to its public half. */
        ENCRYPTION
    }

    @EmbeddedId
    public Id id;

    @Column(name = "kek_id")
    public String kekId;

    @Column(name = "wrapped_key")
    public byte[] wrappedKey;

    @Column(name = "public_key")
    public byte[] publicKey;

    @Column(name = "created_at")
    public Instant createdAt;

    /** Purpose and version. */
    @Embeddable
    public static class Id implements Serializable {
        @Column(name = "purpose")
        public String purpose;

        @Column(name = "version")
        public int version;

        public Id() {
        }

        public Id(Purpose purpose, int version) {
            this.purpose = purpose.name();
            this.version = version;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Id other && other.version == version && Objects.equals(other.purpose, purpose);
        }

        @Override
        public int hashCode() {
            return Objects.hash(purpose, version);
        }
    }
}
