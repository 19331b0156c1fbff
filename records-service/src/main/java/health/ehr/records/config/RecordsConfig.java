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

    /** S3 part size (5 MiB to 2 GiB): an upload holds at most two parts in memory; smaller bodies are one PUT. */
    MemorySize partSize();

    /** How long a practitioner's emergency access to a record lasts. */
    Duration emergencyAccess();

    /** How often the heads of changed access-log chains are sealed for anchoring. */
    Duration auditSealInterval();
}
