package health.ehr.records.client;

import io.minio.http.HttpUtils;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * The HTTP client under MinIO's client, with two of OkHttp's defaults changed (together they capped
 * small puts at a low rate whatever the concurrency, against any S3 server; figures in
 * docs/benchmarks.md#s3http-okhttps-per-host-limit-and-nagles-algorithm):
 * <ul>
 * <li>OkHttp's dispatcher runs at most 5 asynchronous calls per host, and MinIO's client (the
 * synchronous one too) makes every call asynchronously: 16 concurrent uploads queued behind 5.</li>
 * <li>OkHttp leaves Nagle's algorithm on: a request body written after its headers waits for the
 * server's delayed ACK on every request (OkHttp issue #7173). Sockets get TCP_NODELAY.</li>
 * </ul>
 * Everything else is MinIO's default client (its timeouts, HTTP/1.1).
 */
public final class S3Http {

    /** Concurrent calls to the S3 server; uploads beyond this many wait for one to finish. */
    public static final int MAX_CONCURRENT_CALLS = 64;
    /** MinIO's default connect, write and read timeout. */
    public static final java.time.Duration TIMEOUT = java.time.Duration.ofMinutes(5);

    private S3Http() {
    }

    public static OkHttpClient client() {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(MAX_CONCURRENT_CALLS);
        dispatcher.setMaxRequestsPerHost(MAX_CONCURRENT_CALLS);
        return HttpUtils.newDefaultHttpClient(TIMEOUT.toMillis(), TIMEOUT.toMillis(), TIMEOUT.toMillis()).newBuilder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(MAX_CONCURRENT_CALLS, 5, TimeUnit.MINUTES))
                .socketFactory(new NoDelaySocketFactory())
                .build();
    }

    /** Plain sockets with TCP_NODELAY (OkHttp asks for unconnected sockets and connects them itself). */
    public static final class NoDelaySocketFactory extends SocketFactory {

        private final SocketFactory plain = SocketFactory.getDefault();

        @Override
        public Socket createSocket() throws IOException {
            return noDelay(plain.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(plain.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return noDelay(plain.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(plain.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return noDelay(plain.createSocket(address, port, localAddress, localPort));
        }

        private static Socket noDelay(Socket socket) throws IOException {
            socket.setTcpNoDelay(true);
            return socket;
        }
    }
}
