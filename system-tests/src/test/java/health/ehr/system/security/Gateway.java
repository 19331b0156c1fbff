package health.ehr.system.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.ehr.support.testing.LocalStack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/** Calls to the public API through the gateway, as a clinic's or patient's client makes them; answers kept raw. */
final class Gateway {

    static final String URL = LocalStack.gatewayUrl();
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Gateway() {
    }

    /** One answer: status, headers and the body's bytes. */
    record Answer(int status, HttpHeaders headers, byte[] body) {

        String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }

        boolean isProblem() {
            return contentType().startsWith("application/problem+json");
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + abbreviated(), e);
            }
        }

        String abbreviated() {
            String text = text();
            return text.length() > 300 ? text.substring(0, 300) + "…" : text;
        }
    }

    static Answer get(String path, String token) {
        return send("GET", path, token, null, null);
    }

    static Answer json(String method, String path, String token, String json) {
        return send(method, path, token, json == null ? null : "application/json",
                json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    static Answer send(String method, String path, String token, String contentType, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(URL + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A multipart/form-data body: text fields, then the part {@code file} (skipped when {@code content} is null). */
    static Multipart multipart(String[][] fields, String fileName, String fileType, byte[] content) {
        String boundary = "suite" + UUID.randomUUID().toString().replace("-", "");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String[] field : fields) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field[0] + "\"\r\n\r\n"
                    + field[1] + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        if (content != null) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                    + fileName + "\"\r\nContent-Type: " + fileType + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(content);
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return new Multipart("multipart/form-data; boundary=" + boundary, body.toByteArray());
    }

    /** A ready multipart body with its Content-Type. */
    record Multipart(String contentType, byte[] body) {
    }

    /** Uploads a LAB_RESULT record through the gateway and answers the 201's body. */
    static JsonNode upload(String patientId, String token, String title, String fileName, byte[] content) {
        Multipart form = multipart(new String[][] {{"patientId", patientId}, {"category", "LAB_RESULT"},
                {"title", title}}, fileName, "text/plain", content);
        Answer answer = send("POST", "/api/records", token, form.contentType(), form.body());
        if (answer.status() != 201) {
            throw new AssertionError("upload answered " + answer.status() + ": " + answer.abbreviated());
        }
        return answer.json();
    }

    /** The {@code total} of a list endpoint, for "nothing was written" checks. */
    static long total(String path, String token) {
        Answer answer = get(path, token);
        if (answer.status() != 200) {
            throw new AssertionError(path + " answered " + answer.status() + ": " + answer.abbreviated());
        }
        return answer.json().get("total").asLong();
    }
}
