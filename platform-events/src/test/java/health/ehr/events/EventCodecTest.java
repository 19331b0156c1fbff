package health.ehr.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.ehr.events.consent.ConsentGranted;
import health.ehr.events.consent.ConsentScope;
import health.ehr.events.records.RecordStored;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private final EventCodec codec = new EventCodec();

    @Test
    void recordStoredSerialisesToCloudEventsStructuredJson() throws Exception {
        UUID patient = UUID.randomUUID();
        RecordStored stored = new RecordStored(UUID.randomUUID(), patient, patient,
                "0x" + "ab".repeat(32), 1234L, "LAB_RESULT", Instant.parse("2026-11-23T10:15:30.123456Z"));
        CloudEvent<RecordStored> event = CloudEvent.of("/records-service", stored);

        JsonNode json = new ObjectMapper().readTree(codec.write(event));

        assertEquals("1.0", json.get("specversion").asText());
        assertEquals("ehr.records.RecordStored.v1", json.get("type").asText());
        assertEquals("/records-service", json.get("source").asText());
        assertEquals(patient.toString(), json.get("subject").asText());
        assertEquals("application/json", json.get("datacontenttype").asText());
        assertTrue(json.get("time").asText().endsWith("Z"), "time is an RFC 3339 UTC timestamp");
        assertEquals(1234L, json.get("data").get("size").asLong());
        assertEquals("2026-11-23T10:15:30.123456Z", json.get("data").get("storedAt").asText());
    }

    @Test
    void readingReturnsThePayloadRecordOfTheEventsType() {
        UUID patient = UUID.randomUUID();
        ConsentGranted granted = new ConsentGranted(UUID.randomUUID(), patient, UUID.randomUUID(),
                new ConsentScope(List.of("LAB_RESULT"), null, null), Instant.parse("2027-01-01T00:00:00Z"),
                "0x" + "12".repeat(32), 42L, null);
        CloudEvent<ConsentGranted> sent = CloudEvent.of("/consent-service", granted);

        CloudEvent<EventData> received = codec.read(codec.write(sent));

        assertEquals(sent.id(), received.id());
        assertEquals(granted, received.data());
        assertEquals(sent.time(), received.time());
    }

    @Test
    void unknownTypesAndMalformedEnvelopesAreRejectedForTheDeadLetterQueue() {
        byte[] unknown = """
                {"specversion":"1.0","id":"1","source":"/x","type":"ehr.records.Nope.v1","data":{}}"""
                .getBytes(StandardCharsets.UTF_8);
        byte[] noId = """
                {"specversion":"1.0","source":"/x","type":"ehr.records.RecordErased.v1","data":{}}"""
                .getBytes(StandardCharsets.UTF_8);
        byte[] wrongVersion = """
                {"specversion":"0.3","id":"1","source":"/x","type":"ehr.records.RecordErased.v1","data":{}}"""
                .getBytes(StandardCharsets.UTF_8);

        assertTrue(assertThrows(InvalidEventException.class, () -> codec.read(unknown))
                .getMessage().contains("unknown event type"));
        assertTrue(assertThrows(InvalidEventException.class, () -> codec.read(noId))
                .getMessage().contains("'id'"));
        assertThrows(InvalidEventException.class, () -> codec.read(wrongVersion));
        assertThrows(InvalidEventException.class, () -> codec.read("not json".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theTypeIsReadWithoutDecodingTheEvent() {
        UUID patient = UUID.randomUUID();
        byte[] written = codec.write(CloudEvent.of("/records-service", new RecordStored(UUID.randomUUID(), patient,
                patient, "0x" + "ab".repeat(32), 1L, "OTHER", Instant.now())));
        assertEquals(java.util.Optional.of("ehr.records.RecordStored.v1"), codec.peekType(written));
        // wherever it stands, after nested objects too
        assertEquals(java.util.Optional.of("ehr.x.Y.v1"), codec.peekType("""
                {"data":{"type":"not this","list":[{"type":"nor this"}]},"id":"1","type":"ehr.x.Y.v1"}"""
                .getBytes(StandardCharsets.UTF_8)));
        for (String bad : List.of("not json", "[1,2]", "{\"id\":\"1\"}", "{\"type\":7}", "{\"type\":")) {
            assertEquals(java.util.Optional.empty(), codec.peekType(bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
    }

    @Test
    void everyEventTypeIsVersionedAndUniqueAndOnItsArchitectureTopic() {
        Set<String> types = new HashSet<>();
        for (EventType t : EventType.values()) {
            assertTrue(t.type().matches("ehr\\.[a-z]+\\.[A-Z][A-Za-z]+\\.v\\d+"), t.type());
            assertTrue(types.add(t.type()), "duplicate " + t.type());
            assertTrue(t.topic().startsWith(t.type().substring(0, t.type().indexOf('.', 4))), t + " on " + t.topic());
            assertEquals(t, EventType.of(t.payload()));
        }
        assertEquals(24, EventType.values().length, "docs/architecture.md lists 24 event types");
    }
}
