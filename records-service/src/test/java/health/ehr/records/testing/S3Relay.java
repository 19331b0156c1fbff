package health.ehr.records.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;

/**
 * A TCP relay in front of the local stack's real S3 server that lets a subclass interfere with what
 * records-service sends (per connection): the way to make S3 fail, or a transfer go wrong, for real.
 * Points records-service's {@code records.s3-endpoint} at itself.
 */
public abstract class S3Relay implements QuarkusTestResourceLifecycleManager {

    private ServerSocket server;

    @Override
    public Map<String, String> start() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread acceptor = new Thread(this::accept, getClass().getSimpleName());
        acceptor.setDaemon(true);
        acceptor.start();
        return Map.of("records.s3-endpoint", "http://127.0.0.1:" + server.getLocalPort());
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), 9000);
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (IOException e) {
                // closed, or S3 unreachable: the client sees its connection fail
            }
        }
    }

    /**
     * Called with each buffer records-service sent, before it goes on to S3 ({@code before}: bytes of
     * this connection already relayed); may change the bytes. True resets both connections once the
     * buffer is passed on.
     */
    protected abstract boolean interfere(byte[] buffer, int n, long before);

    private void pump(Socket from, Socket to, boolean toS3) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) != -1) {
                    boolean cut = toS3 && interfere(buffer, n, total);
                    out.write(buffer, 0, n);
                    total += n;
                    if (cut) {
                        reset(from);
                        reset(to);
                        return;
                    }
                }
            } catch (IOException e) {
                // the other direction closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, getClass().getSimpleName() + "-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0); // close with RST, like a crashed peer
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void stop() {
        try {
            server.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
