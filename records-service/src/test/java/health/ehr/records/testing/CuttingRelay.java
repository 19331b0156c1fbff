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
 * A TCP relay in front of the local stack's real S3 server that resets every connection once its
 * client has sent more than {@value #CUT_AFTER} bytes through it: requests with small bodies (bucket
 * checks, multipart initiation, abort, delete) pass, any part or object upload larger than that
 * dies half-way, as when the S3 server crashes or the network breaks mid-upload. Points
 * records-service's {@code records.s3-endpoint} at itself.
 */
public class CuttingRelay implements QuarkusTestResourceLifecycleManager {

    public static final int CUT_AFTER = 3 * 1024 * 1024;

    private ServerSocket server;

    @Override
    public Map<String, String> start() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread acceptor = new Thread(this::accept, "cutting-relay");
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

    private static void pump(Socket from, Socket to, boolean cutting) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) != -1) {
                    out.write(buffer, 0, n);
                    total += n;
                    if (cutting && total > CUT_AFTER) {
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
        }, "cutting-relay-pump");
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
