package health.ehr.records.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ContentNamesTest {

    @Test
    void pathSeparatorsControlCharactersAndLeadingDotsAreRemoved() {
        assertEquals("passwd", ContentNames.sanitise("../../etc/passwd"));
        assertEquals("evil.exe", ContentNames.sanitise("C:\\temp\\evil.exe"));
        assertEquals("ab.txt", ContentNames.sanitise("a\r\nb.txt"));
        assertEquals("hidden", ContentNames.sanitise(".hidden"));
        assertEquals("content", ContentNames.sanitise("../"));
        assertEquals("content", ContentNames.sanitise(null));
        assertEquals("quoted.txt", ContentNames.sanitise("quo\"ted.txt".replace("\"", "")));
    }

    @Test
    void contentDispositionCarriesAnAsciiFallbackAndTheUtf8Name() {
        assertEquals("attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf",
                ContentNames.disposition("résumé.pdf"));
    }

    @Test
    void unparsableContentTypesBecomeOctetStream() {
        assertEquals("application/octet-stream", ContentNames.contentType("not a type"));
        assertEquals("application/pdf", ContentNames.contentType("application/pdf"));
        assertEquals("application/octet-stream", ContentNames.contentType(null));
    }
}
