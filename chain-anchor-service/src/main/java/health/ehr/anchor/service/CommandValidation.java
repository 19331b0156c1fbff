package health.ehr.anchor.service;

import java.math.BigInteger;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Checks the fields of a chain command before it is stored: a command that fails here can never
 * succeed, so it is refused with {@link MalformedCommandException} (the event consumer parks it in
 * the topic's DLQ with the reason).
 */
public final class CommandValidation {

    private static final HexFormat HEX = HexFormat.of();

    private CommandValidation() {
    }

    /** A decodable chain command whose values are unusable. */
    public static class MalformedCommandException extends IllegalArgumentException {
        public MalformedCommandException(String message) {
            super(message);
        }
    }

    public static <T> T required(T value, String field) {
        if (value == null) {
            throw new MalformedCommandException(field + " is missing");
        }
        return value;
    }

    /** 0x + 64 hex digits, not all zero. */
    public static byte[] bytes32(String value, String field) {
        byte[] bytes = hex(value, 32, field);
        boolean zero = true;
        for (byte b : bytes) {
            zero &= b == 0;
        }
        if (zero) {
            throw new MalformedCommandException(field + " must not be zero");
        }
        return bytes;
    }

    /** An address: 0x + 40 hex digits, not zero; returned lower-case. */
    public static String address(String value, String field) {
        byte[] bytes = hex(value, 20, field);
        if (java.util.Arrays.equals(bytes, new byte[20])) {
            throw new MalformedCommandException(field + " must not be the zero address");
        }
        return "0x" + HEX.formatHex(bytes);
    }

    /** A 65-byte r‖s‖v signature. */
    public static byte[] signature(String value, String field) {
        return hex(value, 65, field);
    }

    /** A uint256 in decimal or 0x hex. */
    public static BigInteger uint256(String value, String field) {
        required(value, field);
        try {
            BigInteger n = value.startsWith("0x") ? new BigInteger(value.substring(2), 16) : new BigInteger(value);
            if (n.signum() < 0 || n.bitLength() > 256) {
                throw new MalformedCommandException(field + " is not a uint256");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new MalformedCommandException(field + " is not a number");
        }
    }

    public static long positive(long value, String field) {
        if (value <= 0) {
            throw new MalformedCommandException(field + " must be a positive unix time in seconds");
        }
        return value;
    }

    private static byte[] hex(String value, int length, String field) {
        Objects.requireNonNull(field);
        required(value, field);
        String digits = value.startsWith("0x") || value.startsWith("0X") ? value.substring(2) : value;
        if (digits.length() != 2 * length) {
            throw new MalformedCommandException(field + " must be " + length + " bytes of 0x hex");
        }
        try {
            return HEX.parseHex(digits.toLowerCase());
        } catch (IllegalArgumentException e) {
            throw new MalformedCommandException(field + " is not hex");
        }
    }
}
