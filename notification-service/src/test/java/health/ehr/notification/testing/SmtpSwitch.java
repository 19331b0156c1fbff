package health.ehr.notification.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder in front of the shared GreenMail SMTP port that a test can switch off (connections
 * refused, open ones cut) and on again: an SMTP outage without touching the shared server.
 */
public final class SmtpSwitch {

    public static final int PORT = freePort();
    private static final int TARGET =
            Integer.parseInt(health.ehr.support.testing.LocalStack.env("EHR_SMTP_PORT", "1025"));
    private static ServerSocket server;
    private static final List<Socket> open = new CopyOnWriteArrayList<>();

    private SmtpSwitch() {
    }

    public static synchronized void on() throws IOException {
        if (server != null) {
            return;
        }
        ServerSocket s = new ServerSocket(PORT, 50, InetAddress.getLoopbackAddress());
        s.setReuseAddress(true);
        server = s;
        Thread accept = new Thread(() -> {
            while (!s.isClosed()) {
                try {
                    Socket client = s.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), TARGET);
                    open.add(client);
                    open.add(upstream);
                    pipe(client, upstream);
                    pipe(upstream, client);
                } catch (IOException e) {
                    // closed: the outage began
                }
            }
        }, "smtp-switch");
        accept.setDaemon(true);
        accept.start();
    }

    public static synchronized void off() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
        open.clear();
    }

    private static void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // connection cut
            } finally {
                try {
                    to.close();
                    from.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
