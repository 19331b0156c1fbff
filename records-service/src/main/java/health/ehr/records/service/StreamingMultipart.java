package health.ehr.records.service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.commons.fileupload2.core.AbstractFileUpload;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.RequestContext;

/**
 * Apache Commons FileUpload's streaming multipart parser over a request body stream: parts are
 * read one after the other straight from the network, nothing is written to disk or collected in
 * memory (the item-based parsing methods are deliberately unsupported).
 */
final class StreamingMultipart extends AbstractFileUpload<RequestContext, DiskFileItem, DiskFileItemFactory> {

    StreamingMultipart(long maxBytes) {
        setSizeMax(maxBytes);
        setFileSizeMax(maxBytes);
        setFileCountMax(16);
    }

    /** The parts of {@code body}, a {@code multipart/form-data} stream with {@code contentType}'s boundary. */
    FileItemInputIterator parts(String contentType, long contentLength, InputStream body)
            throws FileUploadException, IOException {
        return getItemIterator(new RequestContext() {
            @Override
            public String getCharacterEncoding() {
                return StandardCharsets.UTF_8.name();
            }

            @Override
            public long getContentLength() {
                return contentLength;
            }

            @Override
            public String getContentType() {
                return contentType;
            }

            @Override
            public InputStream getInputStream() {
                return body;
            }

            @Override
            public boolean isMultipartRelated() {
                return false;
            }
        });
    }

    @Override
    public FileItemInputIterator getItemIterator(RequestContext request) throws FileUploadException, IOException {
        return super.getItemIterator(request);
    }

    @Override
    public Map<String, List<DiskFileItem>> parseParameterMap(RequestContext request) {
        throw new UnsupportedOperationException("records are streamed, never collected");
    }

    @Override
    public List<DiskFileItem> parseRequest(RequestContext request) {
        throw new UnsupportedOperationException("records are streamed, never collected");
    }
}
