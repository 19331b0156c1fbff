package health.ehr.records.rest;

import health.ehr.records.service.UploadForm;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A streaming {@code multipart/form-data} parser over a request body stream: parts are read one
 * after the other straight from the network through one 64 KiB buffer; nothing is written to disk
 * or collected in memory. The delimiter is found with a Boyer-Moore-Horspool search, which skips
 * about a delimiter's length per step over binary content (Apache Commons FileUpload's byte-by-byte
 * search dominated an upload's CPU: docs/benchmarks.md#streamingmultipart-the-uploads-own-multipart-parser).
 *
 * <p>HTTP parsing, so it lives in {@code rest}; the upload pipeline reads it through the service's
 * {@link UploadForm} interface, which {@link Reader} provides.
 */
public final class StreamingMultipart implements UploadForm {

    private static final int BUFFER = 64 * 1024;
    private static final int HEADER_LIMIT = 8 * 1024;
    private static final int MAX_PARTS = 16;

    private final InputStream body;
    private final long maxBytes;
    /** CRLF "--" boundary: what ends a part's content. */
    private final byte[] delimiter;
    private final int[] skip = new int[256];
    private final byte[] buffer;
    private int pos;
    private int limit;
    private long consumed;
    private boolean eof;
    private boolean finished;
    private int parts;
    private Part current;
    /** Where the delimiter is in the buffer from {@code pos} (-1: not in it), -2 when not yet searched. */
    private int found = -2;

    /**
     * @param contentType the request's Content-Type, with its boundary
     * @param maxBytes    the most bytes the whole body may have ({@link TooLarge} beyond)
     * @throws Malformed  when the Content-Type names no usable boundary
     */
    StreamingMultipart(String contentType, InputStream body, long maxBytes) throws Malformed {
        String boundary = boundary(contentType);
        this.body = body;
        this.maxBytes = maxBytes;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buffer = new byte[Math.max(BUFFER, 4 * delimiter.length)];
        java.util.Arrays.fill(skip, delimiter.length);
        for (int i = 0; i < delimiter.length - 1; i++) {
            skip[delimiter[i] & 0xff] = delimiter.length - 1 - i;
        }
        // The body starts with the delimiter without its CRLF: pretend one came before.
        buffer[0] = '\r';
        buffer[1] = '\n';
        pos = 0;
        limit = 2;
    }

    /** The parser as the upload pipeline opens it. */
    @Singleton
    public static final class Reader implements UploadForm.Reader {
        @Override
        public UploadForm open(String contentType, InputStream body, long maxBytes) throws Malformed {
            return new StreamingMultipart(contentType, body, maxBytes);
        }
    }

    @Override
    public Part next() throws IOException {
        if (finished) {
            return null;
        }
        if (current == null) {
            // Skip the preamble up to the first delimiter.
            skipToDelimiter();
        } else {
            current.skipRest();
        }
        // After the delimiter: "--" closes the body, CRLF opens a part.
        fill(2);
        if (limit - pos < 2) {
            throw new Malformed("the body ends without its closing delimiter");
        }
        if (buffer[pos] == '-' && buffer[pos + 1] == '-') {
            finished = true;
            current = null;
            return null;
        }
        skipWhitespaceToLineEnd();
        if (++parts > MAX_PARTS) {
            throw new Malformed("more than " + MAX_PARTS + " parts");
        }
        current = readHeaders();
        return current;
    }

    private void skipToDelimiter() throws IOException {
        while (true) {
            int found = search();
            if (found >= 0) {
                pos = found + delimiter.length;
                return;
            }
            if (eof) {
                throw new Malformed("no part starts with the boundary of the Content-Type");
            }
            pos = Math.max(pos, limit - delimiter.length + 1);
            refill();
        }
    }

    private void skipWhitespaceToLineEnd() throws IOException {
        // Transport padding (spaces, tabs) may follow a delimiter before its CRLF.
        while (true) {
            fill(1);
            if (pos >= limit) {
                throw new Malformed("the body ends inside a delimiter line");
            }
            byte b = buffer[pos];
            if (b == ' ' || b == '\t') {
                pos++;
                continue;
            }
            fill(2);
            if (limit - pos >= 2 && buffer[pos] == '\r' && buffer[pos + 1] == '\n') {
                pos += 2;
                return;
            }
            throw new Malformed("a delimiter line does not end with CRLF");
        }
    }

    private Part readHeaders() throws IOException {
        StringBuilder headers = new StringBuilder();
        while (true) {
            fill(4);
            if (limit - pos < 4 && eof) {
                throw new Malformed("the body ends inside a part's headers");
            }
            if (buffer[pos] == '\r' && buffer[pos + 1] == '\n' && headers.length() == 0) {
                pos += 2; // a part without headers
                break;
            }
            if (buffer[pos] == '\r' && buffer[pos + 1] == '\n' && buffer[pos + 2] == '\r' && buffer[pos + 3] == '\n') {
                pos += 4;
                break;
            }
            headers.append((char) (buffer[pos++] & 0xff));
            if (headers.length() > HEADER_LIMIT) {
                throw new Malformed("a part's headers are longer than " + HEADER_LIMIT + " bytes");
            }
        }
        String name = null;
        String fileName = null;
        String type = null;
        for (String line : headers.toString().split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String header = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            // Header bytes are UTF-8 in practice (RFC 7578 section 5.1); they were read as ISO-8859-1.
            String value = new String(line.substring(colon + 1).trim().getBytes(StandardCharsets.ISO_8859_1),
                    StandardCharsets.UTF_8);
            if (header.equals("content-disposition")) {
                name = parameter(value, "name");
                fileName = parameter(value, "filename");
            } else if (header.equals("content-type")) {
                type = value;
            }
        }
        if (name == null) {
            throw new Malformed("a part has no Content-Disposition name");
        }
        return new Part(name, fileName, type);
    }

    /**
     * The next occurrence of the delimiter in {@code buffer[pos, limit)}, or -1. Boyer-Moore-Horspool:
     * compares the window's last byte first and skips by the table.
     */
    private int search() {
        int n = delimiter.length;
        int last = n - 1;
        int i = pos;
        while (i + last < limit) {
            byte b = buffer[i + last];
            if (b == delimiter[last]) {
                int j = last - 1;
                while (j >= 0 && buffer[i + j] == delimiter[j]) {
                    j--;
                }
                if (j < 0) {
                    return i;
                }
            }
            i += skip[b & 0xff];
        }
        return -1;
    }

    /** Makes at least {@code wanted} bytes available from {@code pos}, unless the body ends first. */
    private void fill(int wanted) throws IOException {
        while (limit - pos < wanted && !eof) {
            refill();
        }
    }

    /** Moves the unread bytes to the front of the buffer and reads more after them. */
    private void refill() throws IOException {
        found = -2;
        if (pos > 0) {
            System.arraycopy(buffer, pos, buffer, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buffer.length) {
            return;
        }
        int n = body.read(buffer, limit, buffer.length - limit);
        if (n == -1) {
            eof = true;
            return;
        }
        consumed += n;
        if (consumed > maxBytes) {
            throw new TooLarge(maxBytes);
        }
        limit += n;
    }

    private static String boundary(String contentType) throws Malformed {
        String boundary = contentType == null ? null : parameter(contentType, "boundary");
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
            throw new Malformed("the Content-Type has no valid boundary");
        }
        return boundary;
    }

    /** A parameter of a header value ({@code ; key=value} or {@code ; key="value"}), or null. */
    static String parameter(String value, String key) {
        int i = value.indexOf(';');
        while (i >= 0 && i < value.length()) {
            int start = i + 1;
            while (start < value.length() && value.charAt(start) == ' ') {
                start++;
            }
            int eq = value.indexOf('=', start);
            if (eq < 0) {
                return null;
            }
            String name = value.substring(start, eq).trim();
            String found;
            int end;
            if (eq + 1 < value.length() && value.charAt(eq + 1) == '"') {
                StringBuilder quoted = new StringBuilder();
                end = eq + 2;
                while (end < value.length() && value.charAt(end) != '"') {
                    char c = value.charAt(end);
                    if (c == '\\' && end + 1 < value.length()) {
                        c = value.charAt(++end);
                    }
                    quoted.append(c);
                    end++;
                }
                found = quoted.toString();
                end = value.indexOf(';', end);
            } else {
                end = value.indexOf(';', eq);
                found = (end < 0 ? value.substring(eq + 1) : value.substring(eq + 1, end)).trim();
            }
            if (name.equalsIgnoreCase(key)) {
                return found;
            }
            i = end;
        }
        return null;
    }

    /** One part, read straight from the body. */
    final class Part implements UploadForm.Part {

        private final String name;
        private final String fileName;
        private final String contentType;
        private boolean ended;
        private final InputStream content = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return readContent(b, off, len);
            }
        };

        private Part(String name, String fileName, String contentType) {
            this.name = name;
            this.fileName = fileName;
            this.contentType = contentType;
        }

        /** The form field's name. */
        @Override
        public String fieldName() {
            return name;
        }

        /** The file name the client gave, or null for a plain field. */
        @Override
        public String fileName() {
            return fileName;
        }

        /** The part's Content-Type, or null. */
        @Override
        public String contentType() {
            return contentType;
        }

        @Override
        public boolean isFormField() {
            return fileName == null;
        }

        /** The content up to the next delimiter. */
        @Override
        public InputStream stream() {
            return content;
        }

        private int readContent(byte[] b, int off, int len) throws IOException {
            if (ended) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            while (true) {
                if (found == -2) {
                    found = search();
                }
                int available;
                if (found >= 0) {
                    available = found - pos;
                    if (available == 0) {
                        pos = found + delimiter.length;
                        found = -2;
                        ended = true;
                        return -1;
                    }
                } else {
                    // Bytes that cannot be the start of a delimiter are content.
                    available = limit - pos - (delimiter.length - 1);
                    if (available <= 0) {
                        if (eof) {
                            throw new Malformed("the body ends inside part '" + name + "'");
                        }
                        refill();
                        continue;
                    }
                }
                int n = Math.min(len, available);
                System.arraycopy(buffer, pos, b, off, n);
                pos += n;
                return n;
            }
        }

        private void skipRest() throws IOException {
            byte[] sink = new byte[8192];
            while (readContent(sink, 0, sink.length) != -1) {
                // discarded
            }
        }
    }
}
