package health.ehr.records.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import java.time.Duration;

/** Typed configuration of records-service (prefix {@code records}); defaults in application.properties. */
@ConfigMapping(prefix = "records")
public interface RecordsConfig {

    /** The S3 bucket that holds record ciphertext (created at start-up if missing). */
    String bucket();

    /** The S3 API endpoint (MinIO in production, any S3 server on a laptop). */
    String s3Endpoint();

    /** S3 access key (from a Secret in production). */
    String s3AccessKey();

    /** S3 secret key (from a Secret in production). */
    String s3SecretKey();

    /** Largest record content accepted; larger uploads get 413 before they are read. */
    MemorySize maxUploadSize();

    /** S3 part size (5 MiB to 2 GiB): an upload holds at most three parts in memory; smaller bodies are one PUT. */
    MemorySize partSize();

    /**
     * How object storage checks what it receives: {@code crc32c} (S3 flexible checksums: S3, MinIO,
     * S3Proxy; cheap) or {@code md5} ({@code Content-MD5}, for S3-compatible stores that predate
     * flexible checksums; MD5 costs the service about as much CPU as encrypting).
     */
    S3Checksum s3Checksum();

    /** The integrity check S3 applies to each object or part it receives. */
    enum S3Checksum {
        CRC32C,
        MD5
    }

    /** How long a practitioner's emergency access to a record lasts. */
    Duration emergencyAccess();

    /** How often the heads of changed access-log chains are sealed for anchoring. */
    Duration auditSealInterval();
}
