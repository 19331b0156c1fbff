package health.ehr.records.service;

import java.io.IOException;
import java.io.InputStream;

/**
 * A {@code multipart/form-data} request body as the upload pipeline reads it: its parts one after
 * the other, straight from the network. Parsing HTTP is the rest layer's work
 * ({@code rest.StreamingMultipart}, provided as a {@link Reader} bean); the pipeline knows only this
 * interface, so that no service code reaches up into {@code rest}.
 */
public interface UploadForm {

    /** The next part, or null after the closing delimiter. The previous part's rest is skipped. */
    Part next() throws IOException;

    /** One part: its names, its type and its content, read straight from the body. */
    interface Part {

        /** The form field's name. */
        String fieldName();

        /** The file name the client gave, or null for a plain field. */
        String fileName();

        /** The part's Content-Type, or null. */
        String contentType();

        /** A plain field, not a file. */
        default boolean isFormField() {
            return fileName() == null;
        }

        /** The content up to the next delimiter. */
        InputStream stream();
    }

    /** Opens request bodies as forms. */
    interface Reader {

        /**
         * @param contentType the request's Content-Type, with its boundary
         * @param maxBytes    the most bytes the whole body may have ({@link TooLarge} beyond)
         * @throws Malformed  when the Content-Type names no usable boundary
         */
        UploadForm open(String contentType, InputStream body, long maxBytes) throws Malformed;
    }

    /** The body is not well-formed multipart/form-data. */
    final class Malformed extends IOException {
        public Malformed(String message) {
            super(message);
        }
    }

    /** The body is longer than allowed. */
    final class TooLarge extends IOException {
        public TooLarge(long max) {
            super("the body is longer than " + max + " bytes");
        }
    }
}
