package health.ehr.records.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * An object's bytes read from S3 by a background thread, {@value #DEPTH} chunks of {@value #CHUNK}
 * bytes ahead of the reader, so that receiving ciphertext overlaps decrypting it and writing the
 * plaintext to the client.
 *
 * <p>Why: a download was one thread doing all three in turn, and most of that thread's time went to
 * reading from S3 in 8 KiB socket reads, each with OkHttp's read-timeout bookkeeping; decrypting and
 * writing had to wait for it and it for them (profile:
 * docs/benchmarks.md#readahead-reading-s3-on-a-background-thread). Memory stays bounded: at most
 * {@value #DEPTH} + 2 chunks per download, allocated only as the download needs them (a small
 * record's uses one) and recycled, none of them large enough to be a humongous object in a small G1
 * heap.
 *
 * <p>Failures of the source (S3 went away) surface from {@link #read} as the same
 * {@link IOException}. {@link #close()} stops the background read and closes the source.
 *
 * <p>Timeouts: OkHttp's read timeout arms and disarms Okio's watchdog around every 8 KiB socket
 * read, waking the watchdog thread each time, which cost about as much as the reads themselves.
 * Object GETs therefore run without it ({@link #untimedObjectGets}) and this stream keeps the same
 * bound per chunk instead: a reader that waits longer than the stall timeout for the next chunk gets
 * a {@link SocketTimeoutException} and the S3 connection is closed. The other way round, when nobody
 * takes a chunk for the stall timeout (a response that was never written, a stream never closed),
 * the background read ends and closes the S3 connection, so neither is held for ever; a late reader
 * gets what was read ahead, then a {@link SocketTimeoutException}. After any failure every read fails.
 */
public final class ReadAhead extends InputStream {

    static final int CHUNK = 256 * 1024;
    static final int DEPTH = 4;

    private static final AtomicInteger NUMBER = new AtomicInteger();
    private static final ExecutorService READERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "records-read-ahead-" + NUMBER.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    /** A filled chunk, the end ({@code length == -1}) or the source's failure. */
    private record Chunk(byte[] bytes, int length, IOException failure) {
    }

    private final InputStream source;
    private final BlockingQueue<Chunk> filled = new ArrayBlockingQueue<>(DEPTH);
    private final BlockingQueue<byte[]> empty = new ArrayBlockingQueue<>(DEPTH + 2);
    /** Chunk buffers made so far (by the background thread only). */
    private int allocated;
    private final Future<?> reader;
    private final long stallNanos;
    private volatile boolean closed;
    /** The background read gave up: nobody took a chunk for the stall timeout. */
    private volatile boolean abandoned;
    private Chunk current;
    private int position;
    private boolean ended;
    /** Why reading failed; every later read fails the same way (never a clean end after a failure). */
    private IOException failed;

    private ReadAhead(InputStream source, Duration stall) {
        this.source = source;
        this.stallNanos = stall.toNanos();
        this.reader = READERS.submit(this::fill);
    }

    /** {@code source} read ahead in the background; a wait longer than {@code stall} for a chunk fails. */
    public static InputStream of(InputStream source, Duration stall) {
        return new ReadAhead(source, stall);
    }

    /**
     * The OkHttp interceptor that runs object GETs (a bucket and a key, no query) without OkHttp's
     * per-read timeout: their bodies are read through a {@code ReadAhead}, which bounds the wait.
     */
    public static Response untimedObjectGets(Interceptor.Chain chain) throws IOException {
        Request request = chain.request();
        if ("GET".equals(request.method()) && request.url().pathSize() >= 2 && request.url().query() == null) {
            return chain.withReadTimeout(0, TimeUnit.MILLISECONDS).proceed(request);
        }
        return chain.proceed(request);
    }

    private void fill() {
        try {
            while (!closed) {
                byte[] bytes = nextBuffer();
                if (bytes == null) {
                    abandoned();
                    return;
                }
                int n = source.readNBytes(bytes, 0, CHUNK);
                if (n > 0 && !hand(new Chunk(bytes, n, null))) {
                    return;
                }
                if (n < CHUNK) {
                    hand(new Chunk(null, -1, null));
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closed while waiting for room: nobody reads any more
        } catch (IOException e) {
            if (!closed) {
                try {
                    hand(new Chunk(null, -1, e));
                } catch (InterruptedException closedMeanwhile) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * A free chunk buffer: a recycled one, a new one while fewer than DEPTH + 2 exist, else null after
     * the stall timeout.
     */
    private byte[] nextBuffer() throws InterruptedException {
        byte[] bytes = empty.poll();
        if (bytes == null && allocated < DEPTH + 2) {
            allocated++;
            return new byte[CHUNK];
        }
        return bytes != null ? bytes : empty.poll(stallNanos, TimeUnit.NANOSECONDS);
    }

    /** Queues a chunk for the reader; false (and the source closed) when nobody took one for the stall timeout. */
    private boolean hand(Chunk chunk) throws InterruptedException {
        if (filled.offer(chunk, stallNanos, TimeUnit.NANOSECONDS)) {
            return true;
        }
        abandoned();
        return false;
    }

    /**
     * Nobody has read for the stall timeout (a response that was never written, a caller that forgot
     * to close): the background read ends and the S3 connection is closed, so that neither a thread
     * nor a connection is held for ever.
     */
    private void abandoned() {
        abandoned = true;
        try {
            source.close();
        } catch (IOException e) {
            // closing is all that was wanted
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (failed != null) {
            throw new IOException(failed.getMessage(), failed);
        }
        if (closed) {
            throw new IOException("the stream is closed");
        }
        if (len == 0) {
            return 0;
        }
        if (ended) {
            return -1;
        }
        if (current == null) {
            try {
                current = filled.poll();
                if (current == null && abandoned) {
                    throw fail(new SocketTimeoutException("nobody read this object for "
                            + TimeUnit.NANOSECONDS.toSeconds(stallNanos) + " s: its S3 connection was closed"));
                }
                if (current == null) {
                    current = filled.poll(stallNanos, TimeUnit.NANOSECONDS);
                }
                if (current == null) {
                    close();
                    throw fail(new SocketTimeoutException("object storage sent nothing for "
                            + TimeUnit.NANOSECONDS.toSeconds(stallNanos) + " s"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading from object storage");
            }
            position = 0;
            if (current.failure() != null) {
                throw fail(new IOException(current.failure().getMessage(), current.failure()));
            }
            if (current.length() == -1) {
                ended = true;
                return -1;
            }
        }
        int n = Math.min(len, current.length() - position);
        System.arraycopy(current.bytes(), position, b, off, n);
        position += n;
        if (position == current.length()) {
            empty.add(current.bytes());
            current = null;
        }
        return n;
    }

    private IOException fail(IOException failure) {
        failed = failure;
        return failure;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        reader.cancel(true);
        source.close();
    }
}
