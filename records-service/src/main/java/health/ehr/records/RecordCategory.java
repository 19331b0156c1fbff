package health.ehr.records;

import java.util.Arrays;
import java.util.List;

/** The categories a record can have, as the API names them. */
public enum RecordCategory {
    LAB_RESULT, IMAGING, PRESCRIPTION, CLINICAL_NOTE, DISCHARGE_SUMMARY, OTHER;

    /** Whether {@code value} names a category exactly. */
    public static boolean isValid(String value) {
        return Arrays.stream(values()).anyMatch(c -> c.name().equals(value));
    }

    /** Every category's name. */
    public static List<String> names() {
        return Arrays.stream(values()).map(Enum::name).toList();
    }
}
