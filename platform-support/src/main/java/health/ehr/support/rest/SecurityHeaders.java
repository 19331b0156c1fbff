package health.ehr.support.rest;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Security headers on every answer a service gives, set by the service itself so that they hold
 * behind any ingress or gateway: a route that runs before every other (JAX-RS resources, problem
 * answers, authentication failures, {@code /q/*}) adds them just before the headers go out, unless
 * the handler set its own value.
 *
 * <ul>
 * <li>{@code X-Content-Type-Options: nosniff} and {@code Referrer-Policy: no-referrer} everywhere;
 * <li>on the API ({@code /api/**}, {@code /exchange/**}), which carries patient data:
 * {@code Cache-Control: no-store} and {@code Content-Security-Policy: sandbox; default-src 'none';
 * frame-ancestors 'none'}, so that no cache keeps an answer and an uploaded HTML or SVG record served
 * as its declared type can never run as the platform's origin (the portal shares that origin).
 * {@code /q/*} (health, metrics, OpenAPI, Swagger UI, which needs scripts) keeps no such policy.
 * </ul>
 */
@ApplicationScoped
public class SecurityHeaders {

    /** The policy of every API answer, record content included. */
    public static final String CONTENT_SECURITY_POLICY = "sandbox; default-src 'none'; frame-ancestors 'none'";

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::onRequest);
    }

    private void onRequest(RoutingContext context) {
        String path = context.normalizedPath();
        boolean api = path.startsWith("/api/") || path.startsWith("/exchange/");
        context.addHeadersEndHandler(ignored -> {
            MultiMap headers = context.response().headers();
            setIfAbsent(headers, "X-Content-Type-Options", "nosniff");
            setIfAbsent(headers, "Referrer-Policy", "no-referrer");
            if (api) {
                setIfAbsent(headers, "Cache-Control", "no-store");
                setIfAbsent(headers, "Content-Security-Policy", CONTENT_SECURITY_POLICY);
            }
        });
        context.next();
    }

    private static void setIfAbsent(MultiMap headers, String name, String value) {
        if (!headers.contains(name)) {
            headers.set(name, value);
        }
    }
}
