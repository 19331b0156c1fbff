package health.ehr.support.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class BenchFigureTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode parse(BenchFigure figure) throws Exception {
        String line = figure.line();
        assertTrue(line.startsWith("BENCH-FIGURE {"), line);
        assertFalse(line.contains("\n"), "one line");
        return JSON.readTree(line.substring(BenchFigure.PREFIX.length()));
    }

    @Test
    void aFigureWithBaselineAndTargetIsOneJsonObjectWithTheRatioComputed() throws Exception {
        JsonNode f = parse(BenchFigure.of("consent-service", "consent.check.p99", "Check p99 \"HTTP\"")
                .value(11.25, "ms").baseline(2.5, "ms", "JDBC").below(5, "p99 < 5 ms").notes("a\tb"));
        assertEquals("consent-service", f.get("service").asText());
        assertEquals("consent.check.p99", f.get("id").asText());
        assertEquals("Check p99 \"HTTP\"", f.get("title").asText());
        assertEquals(11.25, f.get("value").asDouble());
        assertEquals("ms", f.get("unit").asText());
        assertEquals(2.5, f.get("baseline").get("value").asDouble());
        assertEquals("JDBC", f.get("baseline").get("what").asText());
        assertEquals(4.5, f.get("ratio").asDouble(), 1e-9);
        assertEquals("p99 < 5 ms", f.get("target").get("text").asText());
        assertFalse(f.get("target").get("met").asBoolean());
        assertEquals(5, f.get("target").get("limit").asDouble());
        assertEquals("<", f.get("target").get("op").asText());
        assertEquals("a\tb", f.get("notes").asText());
    }

    @Test
    void anExplicitRatioAndARatioTargetDecideMet() throws Exception {
        JsonNode f = parse(BenchFigure.of("chain-anchor-service", "anchor.gas.per-record", "gas")
                .value(4.89, "gas/record").baseline(45_622, "gas/record", "naive")
                .ratio(45_622 / 4.89, "baseline / value").ratioAtLeast(5_000, ">= 5,000x less"));
        assertEquals(9329.65, f.get("ratio").asDouble(), 0.01);
        assertEquals("baseline / value", f.get("ratioWhat").asText());
        assertTrue(f.get("target").get("met").asBoolean());
    }

    @Test
    void nonFiniteNumbersAreNullAndFiguresWithoutTargetsHaveNone() throws Exception {
        JsonNode f = parse(BenchFigure.of("system", "x", "x").value(Double.NaN, "s")
                .baseline(0, "s", "nothing"));
        assertTrue(f.get("value").isNull());
        assertFalse(f.has("target"));
        assertFalse(f.has("ratio"), "no ratio against a zero baseline");
        JsonNode small = parse(BenchFigure.of("system", "y", "y").value(0.000107, "x").atLeast(0.0001, "t"));
        assertEquals(0.000107, small.get("value").asDouble(), 1e-12);
        assertTrue(small.get("target").get("met").asBoolean());
        assertEquals(1_000_000, parse(BenchFigure.of("s", "z", "z").value(1e6, "n")).get("value").asLong());
    }
}
