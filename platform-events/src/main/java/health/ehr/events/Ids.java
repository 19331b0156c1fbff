package health.ehr.events;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.NoArgGenerator;
import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * New ids for rows that live long: time-ordered UUIDs (version 7, RFC 9562: a 48-bit Unix
 * millisecond timestamp, then 74 random bits from a {@code SecureRandom}).
 *
 * <p>Ids like these are primary keys in MySQL (records, anchor leaves, access-log entries, the
 * {@code processed_event} of every consumer). InnoDB keeps a table in primary-key order, so a random
 * (version 4) id puts every insert on a random page: once a table outgrows the buffer pool, each
 * insert first reads a page from disk (measured: docs/benchmarks.md#ids-time-ordered-primary-keys).
 * Time-ordered ids append at the end of the index instead. The random part is drawn fresh for every
 * id (not a counter), so an id still cannot be guessed from another; what a version 7 id does reveal
 * is the millisecond it was made in, which for a record is its {@code createdAt}, shown beside it
 * anyway.
 *
 * <p>Every service stores ids as {@code BINARY(16)}: {@link #bytes} and {@link #uuid} are the one
 * conversion between the two forms (most significant half first, as Hibernate binds a UUID).
 */
public final class Ids {

    private static final NoArgGenerator TIME_ORDERED = Generators.timeBasedEpochRandomGenerator();

    private Ids() {
    }

    /** A new version 7 UUID; thread-safe. */
    public static UUID timeOrdered() {
        return TIME_ORDERED.generate();
    }

    /** The 16 bytes of {@code id}, most significant first: its {@code BINARY(16)} column value. */
    public static byte[] bytes(UUID id) {
        return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits())
                .array();
    }

    /** The UUID of 16 bytes written by {@link #bytes}. */
    public static UUID uuid(byte[] bytes) {
        if (bytes.length != 16) {
            throw new IllegalArgumentException("a UUID is 16 bytes, not " + bytes.length);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new UUID(buffer.getLong(), buffer.getLong());
    }
}
