package health.ehr.consent.service;

import health.ehr.events.consent.ConsentScope;
import health.ehr.support.rest.DomainException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Consent scopes: validation, the normal form, the canonical string and its hash (the
 * {@code scopeHash} ConsentRegistry stores), and the items the consent check looks up.
 *
 * <p>Canonical string: {@code all}; or {@code categories:} and the distinct categories, upper case,
 * sorted (ASCII) and joined by {@code ,}; or {@code records:} and the distinct record ids as lower-case
 * 36-character UUID strings, sorted (ASCII) and joined by {@code ,}. The scope hash is
 * {@code 0x} + hex(SHA-256(UTF-8 bytes of the canonical string)), lower case. Examples:
 * {@code all}, {@code categories:IMAGING,LAB_RESULT},
 * {@code records:0b6f…-…,7d1e…-…}.
 */
public final class Scopes {

    /** The record categories of docs/api.md. */
    public static final Set<String> CATEGORIES = Set.of(
            "LAB_RESULT", "IMAGING", "PRESCRIPTION", "CLINICAL_NOTE", "DISCHARGE_SUMMARY", "OTHER");

    /** Coverage item of a scope over everything. */
    public static final String ALL_ITEM = "*";

    private Scopes() {
    }

    /**
     * Checks a requested scope and returns its normal form: exactly one of {@code categories}
     * (known, non-empty), {@code recordIds} (non-empty, at most {@code maxRecordIds}) or {@code all: true}.
     *
     * @throws DomainException 400 naming the offending field
     */
    public static ConsentScope normalise(List<String> categories, List<UUID> recordIds, Boolean all,
            int maxRecordIds) {
        int given = (categories != null ? 1 : 0) + (recordIds != null ? 1 : 0) + (all != null ? 1 : 0);
        if (given != 1) {
            throw DomainException.invalidField("scope", "must have exactly one of categories, recordIds or all");
        }
        if (all != null) {
            if (!all) {
                throw DomainException.invalidField("scope.all", "must be true (or name categories or recordIds)");
            }
            return ConsentScope.everything();
        }
        if (categories != null) {
            if (categories.isEmpty()) {
                throw DomainException.invalidField("scope.categories", "must name at least one category");
            }
            TreeSet<String> sorted = new TreeSet<>();
            for (String category : categories) {
                String upper = category == null ? "" : category.trim().toUpperCase(Locale.ROOT);
                if (!CATEGORIES.contains(upper)) {
                    throw DomainException.invalidField("scope.categories",
                            "must be among " + new TreeSet<>(CATEGORIES) + ", was " + category);
                }
                sorted.add(upper);
            }
            return new ConsentScope(List.copyOf(sorted), null, null);
        }
        if (recordIds.isEmpty()) {
            throw DomainException.invalidField("scope.recordIds", "must name at least one record");
        }
        TreeSet<String> sorted = new TreeSet<>();
        for (UUID id : recordIds) {
            if (id == null) {
                throw DomainException.invalidField("scope.recordIds", "must not contain null");
            }
            sorted.add(id.toString());
        }
        if (sorted.size() > maxRecordIds) {
            throw DomainException.invalidField("scope.recordIds", "must name at most " + maxRecordIds + " records");
        }
        return new ConsentScope(null, sorted.stream().map(UUID::fromString).toList(), null);
    }

    /** The canonical string of a normalised scope (see the class notes). */
    public static String canonical(ConsentScope scope) {
        if (Boolean.TRUE.equals(scope.all())) {
            return "all";
        }
        if (scope.categories() != null) {
            return "categories:" + String.join(",", new TreeSet<>(scope.categories()));
        }
        TreeSet<String> ids = new TreeSet<>();
        scope.recordIds().forEach(id -> ids.add(id.toString()));
        return "records:" + String.join(",", ids);
    }

    /** The scope hash: 0x-prefixed lower-case hex of SHA-256 of the canonical string. */
    public static String hash(ConsentScope scope) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical(scope).getBytes(StandardCharsets.UTF_8));
            return "0x" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The items of the consent check's index a scope covers: {@code *}, {@code C:<category>}, {@code R:<uuid>}. */
    public static List<String> coverage(ConsentScope scope) {
        if (Boolean.TRUE.equals(scope.all())) {
            return List.of(ALL_ITEM);
        }
        List<String> items = new ArrayList<>();
        if (scope.categories() != null) {
            scope.categories().forEach(c -> items.add(categoryItem(c)));
        } else {
            scope.recordIds().forEach(r -> items.add(recordItem(r)));
        }
        return items;
    }

    public static String categoryItem(String category) {
        return "C:" + category;
    }

    public static String recordItem(UUID recordId) {
        return "R:" + recordId;
    }
}
