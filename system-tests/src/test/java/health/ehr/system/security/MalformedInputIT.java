package health.ehr.system.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import health.ehr.support.testing.LocalStack;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, bad input: a generated set of malformed requests per endpoint (missing fields, wrong JSON
 * types, 1 MB strings, invalid UTF-8, wrong media types, broken JSON, path traversal, SQL and CRLF
 * header injection in ids, query parameters and file names). Every one is answered 4xx
 * {@code application/problem+json} without a stack trace, never 5xx, reflects no injected header, and
 * writes nothing: the callers' records, consents, appointments and slots are unchanged afterwards.
 */
class MalformedInputIT {

    private static final String HUGE = "A".repeat(1024 * 1024);
    private static final List<String> INJECTIONS = List.of("' OR 1=1 --", "../../etc/passwd",
            "x\r\nX-Injected: 1", "1; DROP TABLE records; --", "<script>alert(1)</script>");
    /** Invalid UTF-8: a lone continuation byte and a truncated two-byte sequence. */
    private static final byte[] INVALID_UTF8 = {(byte) 0x80, (byte) 0xC3, 0x28};

    /** How one JSON field is malformed. */
    enum Kind {
        /** free text: arrays, objects and a 1 MB string (numbers are legitimately coerced to text) */
        TEXT,
        /** a string with a format (uuid, instant, date, e-mail, hex): also injection strings and numbers */
        FORMATTED,
        BOOLEAN,
        INTEGER,
        OBJECT,
        ARRAY
    }

    /** A field of a body: name, kind, whether it is required, and extra bad JSON values. */
    record Field(String name, Kind kind, boolean required, List<String> extra) {
        Field(String name, Kind kind, boolean required) {
            this(name, kind, required, List.of());
        }
    }

    /** A JSON endpoint: who calls it, its path, a valid body and its fields. */
    record JsonEndpoint(String method, String path, String token, String validBody, boolean bodyOptional,
            List<Field> fields) {
    }

    /**
     * Cases that fail today because of a service bug, keyed "endpoint [mutation]": reported, printed,
     * not failing the build until fixed. The value names the bug and which "written" counter an
     * accepted request moves (or none).
     */
    static final Map<String, String[]> KNOWN_BUGS = Map.of();

    /** One malformed request and what it answered. */
    record Case(String endpoint, String mutation, Gateway.Answer answer) {
    }

    @Test
    void malformedRequestsGet4xxProblemsAndWriteNothing() throws Exception {
        LocalStack.Party patient = LocalStack.registerPatient("fuzzed");
        LocalStack.Party doctor = LocalStack.registerPractitioner("fuzzed");
        String admin = LocalStack.userToken(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD);
        String recordId = Gateway.upload(patient.id().toString(), patient.token(), "Fuzz target", "a.txt",
                "fuzz target".getBytes(StandardCharsets.UTF_8)).get("recordId").asText();
        Instant start = Instant.now().plus(60 + (long) (Math.random() * 300), ChronoUnit.DAYS)
                .truncatedTo(ChronoUnit.HOURS);
        Gateway.Answer slots = Gateway.json("POST", "/api/appointments/slots", doctor.token(),
                "{\"from\":\"" + start + "\",\"to\":\"" + start.plus(1, ChronoUnit.HOURS)
                        + "\",\"durationMinutes\":30}");
        assertEquals(201, slots.status(), slots.abbreviated());
        String slotA = slots.json().get("items").get(0).get("slotId").asText();
        String slotB = slots.json().get("items").get(1).get("slotId").asText();
        Gateway.Answer booked = Gateway.json("POST", "/api/appointments", patient.token(),
                "{\"slotId\":\"" + slotA + "\",\"reason\":\"fuzz\"}");
        assertEquals(201, booked.status(), booked.abbreviated());
        String appointmentId = booked.json().get("appointmentId").asText();
        String familyName = "Fuzz" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Long> before = written(patient, doctor, familyName);

        Instant later = Instant.now().plus(400, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
        List<JsonEndpoint> endpoints = List.of(
                new JsonEndpoint("POST", "/api/identity/patients", null,
                        "{\"email\":\"" + LocalStack.uniqueEmail("fuzz")
                        + "\",\"password\":\"Correct-Horse-9\",\"givenName\":\"Fuzz\",\"familyName\":\"" + familyName
                        + "\",\"birthDate\":\"1980-01-01\"}", false, List.of(
                        new Field("email", Kind.FORMATTED, true), new Field("password", Kind.TEXT, true),
                        new Field("givenName", Kind.TEXT, true), new Field("familyName", Kind.TEXT, true),
                        new Field("birthDate", Kind.FORMATTED, true, List.of("\"2999-01-01\"", "\"1980-13-45\""))))
                , new JsonEndpoint("POST", "/api/identity/practitioners", admin,
                        "{\"email\":\"" + LocalStack.uniqueEmail("fuzz")
                        + "\",\"password\":\"Correct-Horse-9\",\"givenName\":\"Fuzz\",\"familyName\":\"" + familyName
                        + "\",\"licenseNumber\":\"F-1\",\"specialty\":\"Fuzzing\",\"organization\":\"Fuzz Org\"}",
                        false, List.of(
                        new Field("email", Kind.FORMATTED, true), new Field("password", Kind.TEXT, true),
                        new Field("givenName", Kind.TEXT, true), new Field("familyName", Kind.TEXT, true),
                        new Field("licenseNumber", Kind.TEXT, true), new Field("specialty", Kind.TEXT, true),
                        new Field("organization", Kind.TEXT, true)))
                , new JsonEndpoint("POST", "/api/identity/clinics", admin, "{\"name\":\"" + familyName
                        + " Clinic\",\"contactEmail\":\"" + LocalStack.uniqueEmail("fuzz") + "\"}", false, List.of(
                        new Field("name", Kind.TEXT, true), new Field("contactEmail", Kind.FORMATTED, true)))
                , new JsonEndpoint("POST", "/api/consents", patient.token(), "{\"granteeId\":\"" + doctor.id()
                        + "\",\"scope\":{\"categories\":[\"LAB_RESULT\"]},\"purpose\":\"treatment\",\"expiresAt\":\""
                        + later + "\"}", false, List.of(
                        new Field("granteeId", Kind.FORMATTED, true, List.of("\"" + UUID.randomUUID() + "\"")),
                        new Field("scope", Kind.OBJECT, true, List.of("{}", "{\"categories\":[\"' OR 1=1 --\"]}",
                                "{\"recordIds\":[\"../../etc/passwd\"]}", "{\"categories\":[]}",
                                "{\"categories\":[\"" + HUGE + "\"]}")),
                        new Field("purpose", Kind.TEXT, true),
                        new Field("expiresAt", Kind.FORMATTED, true, List.of("\"2001-01-01T00:00:00Z\""))))
                , new JsonEndpoint("POST", "/api/appointments/slots", doctor.token(), "{\"start\":\"" + later
                        + "\",\"end\":\"" + later.plus(30, ChronoUnit.MINUTES) + "\"}", false, List.of(
                        new Field("start", Kind.FORMATTED, true,
                                List.of("\"" + later.plus(1, ChronoUnit.HOURS) + "\"")),
                        new Field("end", Kind.FORMATTED, true,
                                List.of("\"" + later.minus(1, ChronoUnit.HOURS) + "\""))))
                , new JsonEndpoint("POST", "/api/appointments", patient.token(), "{\"slotId\":\"" + slotB
                        + "\",\"reason\":\"fuzz\"}", false, List.of(new Field("slotId", Kind.FORMATTED, true),
                        new Field("reason", Kind.TEXT, false)))
                , new JsonEndpoint("POST", "/api/appointments/" + appointmentId + "/cancel", patient.token(),
                        "{\"reason\":\"fuzz\"}", true, List.of(new Field("reason", Kind.TEXT, false)))
                , new JsonEndpoint("POST", "/api/appointments/" + appointmentId + "/reschedule", patient.token(),
                        "{\"slotId\":\"" + slotB + "\"}", false, List.of(new Field("slotId", Kind.FORMATTED, true)))
                , new JsonEndpoint("PUT", "/api/notifications/preferences", patient.token(),
                        "{\"emailEnabled\":true,\"reminderLeadHours\":24}", false, List.of(
                        new Field("emailEnabled", Kind.BOOLEAN, true),
                        new Field("reminderLeadHours", Kind.INTEGER, false, List.of("0", "25", "-1", "2147483648"))))
                , new JsonEndpoint("POST", "/api/anchors/verify", null, "{\"leaf\":\"0x" + "11".repeat(32)
                        + "\",\"proof\":[{\"position\":\"left\",\"hash\":\"0x" + "22".repeat(32)
                        + "\"}],\"merkleRoot\":\"0x" + "33".repeat(32) + "\"}", false, List.of(
                        new Field("leaf", Kind.FORMATTED, true, List.of("\"0x11\"", "\"0X" + "GG".repeat(32) + "\"")),
                        new Field("proof", Kind.ARRAY, true, List.of(
                                "[{\"position\":\"up\",\"hash\":\"0x" + "22".repeat(32) + "\"}]",
                                "[{\"position\":\"left\"}]",
                                "[" + ("{\"position\":\"left\",\"hash\":\"0x" + "22".repeat(32) + "\"},").repeat(300)
                                        + "{}]")),
                        new Field("merkleRoot", Kind.FORMATTED, true)))
                , new JsonEndpoint("POST", "/api/records/" + recordId + "/emergency-access", doctor.token(),
                        "{\"reason\":\"unconscious in the emergency room\"}", false, List.of(
                        new Field("reason", Kind.TEXT, true, List.of("\"too short\"")))));

        List<Case> cases = new ArrayList<>();
        for (JsonEndpoint endpoint : endpoints) {
            cases.addAll(jsonCases(endpoint));
        }
        cases.addAll(pathAndQueryCases(patient, doctor, recordId, appointmentId));
        cases.addAll(uploadCases(patient));

        List<String> failures = new ArrayList<>();
        List<String> known = new ArrayList<>();
        Map<String, Long> expected = new java.util.HashMap<>(before);
        for (Case c : cases) {
            String failure = failure(c.answer());
            String key = c.endpoint() + " [" + c.mutation() + "]";
            if (failure != null && KNOWN_BUGS.containsKey(key)) {
                known.add(key + ": " + failure + "  [known: " + KNOWN_BUGS.get(key)[0] + "]");
                if (c.answer().status() / 100 == 2) {
                    expected.computeIfPresent(KNOWN_BUGS.get(key)[1], (counter, n) -> n + 1);
                }
            } else if (failure != null) {
                failures.add(key + ": " + failure);
            }
        }
        System.out.println("bad input: " + cases.size() + " malformed requests over " + endpoints.size()
                + " JSON endpoints, the upload and path/query parameters; " + failures.size() + " answered wrongly, "
                + known.size() + " known service bugs");
        known.forEach(f -> System.out.println("  KNOWN BUG " + f));
        failures.forEach(f -> System.out.println("  " + f));

        assertEquals(expected, written(patient, doctor, familyName), "the malformed requests wrote nothing");
        assertTrue(failures.isEmpty(), failures.size() + " malformed requests were not refused properly:\n"
                + String.join("\n", failures));
    }

    @Test
    void hostileFileNamesNeverReachTheDownloadsHeaders() {
        LocalStack.Party patient = LocalStack.registerPatient("filenames");
        List<String> failures = new ArrayList<>();
        for (String name : List.of("../../etc/passwd", "..\\..\\windows\\win.ini", "evil.txt\"; X-Injected=\"1",
                "evil%0d%0aX-Injected: 1.txt", "evil\r\nX-Injected: 1.txt", "' OR 1=1 --.txt")) {
            Gateway.Multipart form = Gateway.multipart(new String[][] {{"patientId", patient.id().toString()},
                    {"category", "OTHER"}, {"title", "file name probe"}}, name, "text/plain",
                    "probe".getBytes(StandardCharsets.UTF_8));
            Gateway.Answer answer = Gateway.send("POST", "/api/records", patient.token(), form.contentType(),
                    form.body());
            if (answer.status() != 201) {
                String failure = failure(answer);
                if (failure != null) {
                    failures.add(name + ": " + failure);
                }
                continue;
            }
            Gateway.Answer content = Gateway.get("/api/records/" + answer.json().get("recordId").asText() + "/content",
                    patient.token());
            String disposition = content.headers().firstValue("Content-Disposition").orElse("");
            if (content.status() != 200 || disposition.contains("../") || disposition.contains("..\\")
                    || disposition.contains("\r") || disposition.contains("\n")
                    || content.headers().firstValue("X-Injected").isPresent()) {
                failures.add(name + ": download " + content.status() + " with Content-Disposition '" + disposition
                        + "'");
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** Null when the answer is a proper refusal: 4xx problem+json, its status in the body, no stack trace. */
    static String failure(Gateway.Answer answer) {
        int status = answer.status();
        if (status < 400 || status >= 500) {
            return "answered " + status + ": " + answer.abbreviated();
        }
        if (answer.headers().firstValue("X-Injected").isPresent()) {
            return "an injected header came back";
        }
        if (!answer.isProblem()) {
            return status + " as '" + answer.contentType() + "': " + answer.abbreviated();
        }
        JsonNode problem;
        try {
            problem = Gateway.JSON.readTree(answer.body());
        } catch (Exception e) {
            return status + " problem is not JSON: " + answer.abbreviated();
        }
        if (problem.path("status").asInt() != status) {
            return status + " problem says status " + problem.path("status") + ": " + answer.abbreviated();
        }
        String text = answer.text();
        if (text.contains("Exception") || text.contains("\tat ") || text.contains("at health.ehr")) {
            return status + " shows internals: " + answer.abbreviated();
        }
        return null;
    }

    private static List<Case> jsonCases(JsonEndpoint e) throws Exception {
        List<Case> cases = new ArrayList<>();
        String name = e.method() + " " + e.path();
        ObjectNode valid = (ObjectNode) Gateway.JSON.readTree(e.validBody());
        for (Field field : e.fields()) {
            List<String> bad = new ArrayList<>(field.extra());
            switch (field.kind()) {
                case TEXT -> bad.addAll(List.of("[]", "{}", "[\"a\",\"b\"]", json(HUGE)));
                case FORMATTED -> {
                    bad.addAll(List.of("12345", "true", "[]", "{}", json(HUGE), "\"\""));
                    INJECTIONS.forEach(i -> bad.add(json(i)));
                }
                case BOOLEAN -> bad.addAll(List.of("\"maybe\"", "{}", "[]"));
                case INTEGER -> bad.addAll(List.of("\"abc\"", "{}", "[]", json(HUGE)));
                case OBJECT -> bad.addAll(List.of("\"abc\"", "12345", "[]", json(HUGE)));
                case ARRAY -> bad.addAll(List.of("\"abc\"", "12345", "{}", json(HUGE)));
            }
            if (field.required()) {
                ObjectNode missing = valid.deepCopy();
                missing.remove(field.name());
                cases.add(new Case(name, field.name() + " missing", send(e, missing.toString())));
                bad.add("null");
            }
            for (String value : bad) {
                ObjectNode mutated = valid.deepCopy();
                mutated.set(field.name(), Gateway.JSON.readTree(value));
                cases.add(new Case(name, field.name() + " = " + shortly(value), send(e, mutated.toString())));
            }
        }
        String body = valid.toString();
        cases.add(new Case(name, "broken JSON", send(e, body.substring(0, body.length() / 2))));
        cases.add(new Case(name, "a JSON array", send(e, "[" + body + "]")));
        cases.add(new Case(name, "a JSON string", send(e, "\"" + HUGE + "\"")));
        ByteArrayOutputStream invalid = new ByteArrayOutputStream();
        String firstField = e.fields().get(0).name();
        String prefix = "{\"" + firstField + "\":\"";
        invalid.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
        invalid.writeBytes(INVALID_UTF8);
        invalid.writeBytes(("\"," + body.substring(1)).getBytes(StandardCharsets.UTF_8));
        cases.add(new Case(name, "invalid UTF-8", Gateway.send(e.method(), e.path(), e.token(), "application/json",
                invalid.toByteArray())));
        cases.add(new Case(name, "Content-Type text/plain", Gateway.send(e.method(), e.path(), e.token(), "text/plain",
                body.getBytes(StandardCharsets.UTF_8))));
        cases.add(new Case(name, "Content-Type application/xml", Gateway.send(e.method(), e.path(), e.token(),
                "application/xml", "<a>1</a>".getBytes(StandardCharsets.UTF_8))));
        if (!e.bodyOptional()) {
            cases.add(new Case(name, "no body", Gateway.send(e.method(), e.path(), e.token(), "application/json",
                    new byte[0])));
            cases.add(new Case(name, "JSON null", send(e, "null")));
        }
        return cases;
    }

    private static List<Case> pathAndQueryCases(LocalStack.Party patient, LocalStack.Party doctor, String recordId,
            String appointmentId) {
        List<Case> cases = new ArrayList<>();
        List<String> values = new ArrayList<>(INJECTIONS);
        values.add("%00");
        values.add("1e309");
        for (String raw : values) {
            String v = URLEncoder.encode(raw, StandardCharsets.UTF_8).replace("+", "%20");
            String p = patient.token();
            cases.add(new Case("GET /api/records/{id}", raw, Gateway.get("/api/records/" + v, p)));
            cases.add(new Case("GET /api/records/{id}/content", raw, Gateway.get("/api/records/" + v + "/content", p)));
            cases.add(new Case("DELETE /api/records/{id}", raw, Gateway.json("DELETE", "/api/records/" + v, p, null)));
            cases.add(new Case("GET /api/records?patientId", raw, Gateway.get("/api/records?patientId=" + v, p)));
            cases.add(new Case("GET /api/records?category", raw, Gateway.get("/api/records?category=" + v, p)));
            cases.add(new Case("GET /api/records?page", raw, Gateway.get("/api/records?page=" + v, p)));
            cases.add(new Case("GET /api/records/access-log?patientId", raw,
                    Gateway.get("/api/records/access-log?patientId=" + v, p)));
            cases.add(new Case("GET /api/consents/{id}", raw, Gateway.get("/api/consents/" + v, p)));
            cases.add(new Case("GET /api/consents?patientId", raw, Gateway.get("/api/consents?patientId=" + v, p)));
            cases.add(new Case("GET /api/consents/check", raw, Gateway.get("/api/consents/check?patientId=" + v
                    + "&granteeId=" + doctor.id() + "&category=" + v, doctor.token())));
            cases.add(new Case("GET /api/identity/patients/{id}", raw, Gateway.get("/api/identity/patients/" + v, p)));
            cases.add(new Case("GET /api/appointments/slots", raw, Gateway.get("/api/appointments/slots?practitionerId="
                    + v + "&from=" + v, p)));
            cases.add(new Case("POST /api/appointments/{id}/cancel", raw, Gateway.json("POST", "/api/appointments/" + v
                    + "/cancel", p, "{}")));
            cases.add(new Case("GET /api/notifications?size", raw, Gateway.get("/api/notifications?size=" + v, p)));
            cases.add(new Case("GET /api/anchors/batches/{id}", raw, Gateway.get("/api/anchors/batches/" + v,
                    LocalStack.userToken(LocalStack.AUDITOR_EMAIL, LocalStack.AUDITOR_PASSWORD))));
        }
        for (String size : List.of("201", "-1", "100000000000")) {
            cases.add(new Case("GET /api/records?size", size, Gateway.get("/api/records?size=" + size,
                    patient.token())));
            cases.add(new Case("GET /api/appointments?size", size, Gateway.get("/api/appointments?size=" + size,
                    patient.token())));
            cases.add(new Case("GET /api/consents?size", size, Gateway.get("/api/consents?patientId=" + patient.id()
                    + "&size=" + size, patient.token())));
        }
        cases.add(new Case("GET /api/records/{id}/content", "raw ../ in the path",
                Gateway.get("/api/records/" + recordId + "/../../../etc/passwd", patient.token())));
        cases.add(new Case("POST /api/appointments/{id}/cancel", "raw ../ in the path",
                Gateway.json("POST", "/api/appointments/" + appointmentId + "/..%2F..%2Fslots", patient.token(),
                        "{}")));
        return cases;
    }

    private static List<Case> uploadCases(LocalStack.Party patient) {
        List<Case> cases = new ArrayList<>();
        String id = patient.id().toString();
        byte[] file = "fuzz".getBytes(StandardCharsets.UTF_8);
        String[][] valid = {{"patientId", id}, {"category", "LAB_RESULT"}, {"title", "fuzz"}};
        cases.add(upload(patient, "no file part", Gateway.multipart(valid, "a.txt", "text/plain", null)));
        cases.add(upload(patient, "no patientId", Gateway.multipart(new String[][] {{"category", "LAB_RESULT"},
                {"title", "fuzz"}}, "a.txt", "text/plain", file)));
        cases.add(upload(patient, "no title", Gateway.multipart(new String[][] {{"patientId", id},
                {"category", "LAB_RESULT"}}, "a.txt", "text/plain", file)));
        cases.add(upload(patient, "no category", Gateway.multipart(new String[][] {{"patientId", id},
                {"title", "fuzz"}}, "a.txt", "text/plain", file)));
        cases.add(upload(patient, "1 MB title", Gateway.multipart(new String[][] {{"patientId", id},
                {"category", "LAB_RESULT"}, {"title", HUGE}}, "a.txt", "text/plain", file)));
        cases.add(upload(patient, "1 MB description", Gateway.multipart(new String[][] {{"patientId", id},
                {"category", "LAB_RESULT"}, {"title", "fuzz"}, {"description", HUGE}}, "a.txt", "text/plain", file)));
        for (String injection : INJECTIONS) {
            cases.add(upload(patient, "category " + shortly(injection), Gateway.multipart(new String[][] {
                    {"patientId", id}, {"category", injection}, {"title", "fuzz"}}, "a.txt", "text/plain", file)));
            cases.add(upload(patient, "patientId " + shortly(injection), Gateway.multipart(new String[][] {
                    {"patientId", injection}, {"category", "LAB_RESULT"}, {"title", "fuzz"}}, "a.txt", "text/plain",
                    file)));
        }
        Gateway.Multipart form = Gateway.multipart(valid, "a.txt", "text/plain", file);
        cases.add(new Case("POST /api/records", "JSON instead of multipart", Gateway.send("POST", "/api/records",
                patient.token(), "application/json",
                ("{\"patientId\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8))));
        cases.add(new Case("POST /api/records", "multipart without boundary", Gateway.send("POST", "/api/records",
                patient.token(), "multipart/form-data", form.body())));
        cases.add(new Case("POST /api/records", "wrong boundary", Gateway.send("POST", "/api/records",
                patient.token(), "multipart/form-data; boundary=nothere", form.body())));
        byte[] truncated = java.util.Arrays.copyOf(form.body(), form.body().length - 12);
        cases.add(new Case("POST /api/records", "truncated multipart", Gateway.send("POST", "/api/records",
                patient.token(), form.contentType(), truncated)));
        ByteArrayOutputStream invalidTitle = new ByteArrayOutputStream();
        String boundary = "fuzzboundary";
        invalidTitle.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"patientId\"\r\n\r\n" + id
                + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\nLAB_RESULT\r\n--"
                + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        invalidTitle.writeBytes(INVALID_UTF8);
        invalidTitle.writeBytes(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename="
                + "\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nfuzz\r\n--" + boundary + "--\r\n")
                .getBytes(StandardCharsets.UTF_8));
        cases.add(new Case("POST /api/records", "invalid UTF-8 title", Gateway.send("POST", "/api/records",
                patient.token(), "multipart/form-data; boundary=" + boundary, invalidTitle.toByteArray())));
        return cases;
    }

    private static Case upload(LocalStack.Party patient, String mutation, Gateway.Multipart form) {
        return new Case("POST /api/records", mutation, Gateway.send("POST", "/api/records", patient.token(),
                form.contentType(), form.body()));
    }

    /** What the callers own: had a malformed request been accepted, one of these would have moved. */
    private static Map<String, Long> written(LocalStack.Party patient, LocalStack.Party doctor, String familyName) {
        return Map.of(
                "records", Gateway.total("/api/records?patientId=" + patient.id(), patient.token()),
                "consents", Gateway.total("/api/consents?patientId=" + patient.id(), patient.token()),
                "appointments", Gateway.total("/api/appointments", patient.token()),
                "booked appointments",
                (long) Gateway.get("/api/appointments", patient.token()).text().split("BOOKED", -1).length - 1,
                "free slots", Gateway.total("/api/appointments/slots?practitionerId=" + doctor.id(), patient.token()),
                "practitioners named " + familyName, Gateway.total("/api/identity/practitioners?query=" + familyName,
                        patient.token()));
    }

    private static Gateway.Answer send(JsonEndpoint e, String body) {
        return Gateway.json(e.method(), e.path(), e.token(), body);
    }

    private static String json(String text) {
        return Gateway.JSON.valueToTree(text).toString();
    }

    private static String shortly(String value) {
        String oneLine = value.replace("\r", "\\r").replace("\n", "\\n");
        return oneLine.length() > 40 ? oneLine.substring(0, 20) + "…(" + oneLine.length() + " chars)" : oneLine;
    }
}
