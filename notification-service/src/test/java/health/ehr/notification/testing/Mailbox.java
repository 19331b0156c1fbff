package health.ehr.notification.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.ehr.support.testing.LocalStack;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** The shared GreenMail's REST API: what arrived for one address (tests use unique addresses). */
public final class Mailbox {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Mailbox() {
    }

    /** One received mail: subject and the raw MIME text. */
    public record Message(String subject, String mime) {
    }

    public static List<Message> inbox(String email) {
        String url = "http://localhost:" + LocalStack.env("EHR_MAIL_API_PORT", "8025") + "/api/user/"
                + URLEncoder.encode(email, StandardCharsets.UTF_8) + "/messages/INBOX";
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 404 || r.statusCode() == 400) {
                return List.of();
            }
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GreenMail answered " + r.statusCode() + ": " + r.body());
            }
            List<Message> messages = new ArrayList<>();
            for (JsonNode m : JSON.readTree(r.body())) {
                messages.add(new Message(m.path("subject").asText(), m.path("mimeMessage").asText()));
            }
            return messages;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits (polling) until {@code email} has {@code count} mails; returns them. */
    public static List<Message> awaitMails(String email, int count, Duration timeout) {
        await(() -> inbox(email).size() >= count, timeout, email + " to receive " + count + " mail(s)");
        return inbox(email);
    }

    public static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
