package health.ehr.records.service;

import jakarta.ws.rs.core.MediaType;

/** Makes client-supplied file names and content types safe to store and to send back in headers. */
public final class ContentNames {

    private static final int MAX_NAME = 200;

    private ContentNames() {
    }

    /**
     * The last path segment of {@code name} without control characters, quotes or separators,
     * at most 200 characters; {@code content} when nothing usable is left.
     */
    public static String sanitise(String name) {
        if (name == null) {
            return "content";
        }
        String base = name.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1);
        StringBuilder clean = new StringBuilder();
        base.codePoints().forEach(c -> {
            if (!Character.isISOControl(c) && c != '"' && c != ';' && c != '\u2028' && c != '\u2029') {
                clean.appendCodePoint(c);
            }
        });
        String result = clean.toString().strip();
        while (result.startsWith(".")) {
            result = result.substring(1);
        }
        if (result.isEmpty()) {
            return "content";
        }
        return result.length() > MAX_NAME ? result.substring(0, MAX_NAME) : result;
    }

    /** The part's declared media type if it parses, else {@code application/octet-stream}. */
    public static String contentType(String declared) {
        if (declared == null || declared.isBlank() || declared.length() > 255) {
            return MediaType.APPLICATION_OCTET_STREAM;
        }
        try {
            MediaType type = MediaType.valueOf(declared.strip());
            if (type.getType().contains("\n") || type.getSubtype().contains("\n")) {
                return MediaType.APPLICATION_OCTET_STREAM;
            }
            return type.toString();
        } catch (IllegalArgumentException e) {
            return MediaType.APPLICATION_OCTET_STREAM;
        }
    }

    /** An RFC 6266 Content-Disposition for {@code fileName}: an ASCII fallback plus UTF-8 {@code filename*}. */
    public static String disposition(String fileName) {
        String ascii = fileName.replaceAll("[^\\x20-\\x7e]", "_").replace("\\", "_");
        String encoded = java.net.URLEncoder.encode(fileName, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }
}
