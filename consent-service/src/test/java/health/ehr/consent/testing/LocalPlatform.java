package health.ehr.consent.testing;

import health.ehr.support.testing.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Starts what the tests need through the project's own script, {@code deploy/local/platform}. */
public final class LocalPlatform {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private LocalPlatform() {
    }

    /** The repository root (the folder holding {@code deploy/local}). */
    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy/local"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root from " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** identity-service's URL (EHR_IDENTITY_PORT, default 8081). */
    public static String identityUrl() {
        String port = System.getenv().getOrDefault("EHR_IDENTITY_PORT", "8081");
        return "http://localhost:" + port;
    }

    /**
     * Makes sure identity-service answers: if it does not, starts it through the project's script
     * ({@code deploy/local/platform up identity-service}, via platform-support's
     * {@link LocalStack#ensureService}); its jar must be built
     * ({@code mvn -B -q -DskipStack -DskipTests install -pl identity-service -am}).
     */
    public static void ensureIdentityService() {
        if (!ready(identityUrl() + "/q/health/ready")) {
            LocalStack.ensureService("identity-service");
        }
        if (!ready(identityUrl() + "/q/health/ready")) {
            throw new IllegalStateException("identity-service is not ready at " + identityUrl());
        }
    }

    /** {@code deploy/local/platform up NAME} (idempotent: starts it only if it is down). */
    public static void up(String name) {
        LocalStack.ensureService(name);
    }

    private static boolean ready(String url) {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
