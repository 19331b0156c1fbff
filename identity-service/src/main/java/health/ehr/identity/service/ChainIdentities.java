package health.ehr.identity.service;

import health.ehr.events.Ids;
import health.ehr.identity.config.IdentityConfig;
import health.ehr.support.crypto.KeyRing;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/**
 * Pseudonymous chain ids and custodial controller keys. A party's chain id is
 * HMAC-SHA256(platform secret, party id): stable, and unlinkable to the person without the secret.
 * A patient's controller key is a fresh secp256k1 key whose private half is only ever stored wrapped
 * by the current key-encryption key, bound to the patient id.
 */
@ApplicationScoped
public class ChainIdentities {

    private final SecretKeySpec secret;
    private final KeyRing keys;

    public ChainIdentities(IdentityConfig config, KeyRing keys) {
        this.secret = new SecretKeySpec(config.chainIdSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.keys = keys;
    }

    /** The party's chain id, 32 bytes. */
    public byte[] chainId(UUID partyId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(secret);
            return mac.doFinal(Ids.bytes(partyId));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** The party's chain id as lower-case 0x hex. */
    public String chainIdHex(UUID partyId) {
        return "0x" + HexFormat.of().formatHex(chainId(partyId));
    }

    /** A new custodial key pair for {@code patientId}. */
    public CustodialKey newCustodialKey(UUID patientId) {
        try {
            ECKeyPair pair = Keys.createEcKeyPair();
            byte[] secretKey = Numeric.toBytesPadded(pair.getPrivateKey(), 32);
            byte[] wrapped = keys.current().encrypt(secretKey, Ids.bytes(patientId));
            return new CustodialKey("0x" + Keys.getAddress(pair), wrapped, keys.current().id());
        } catch (InvalidAlgorithmParameterException | NoSuchAlgorithmException | NoSuchProviderException e) {
            throw new IllegalStateException("cannot generate a secp256k1 key", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot wrap a custodial key", e);
        }
    }

    /** The patient's controller key pair, unwrapped for one signature. */
    public ECKeyPair unwrap(UUID patientId, byte[] wrapped, String kekId) {
        try {
            byte[] secretKey = keys.byId(kekId).decrypt(wrapped, Ids.bytes(patientId));
            return ECKeyPair.create(new BigInteger(1, secretKey));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a custodial key failed to unwrap", e);
        }
    }

    /** A new controller key: its address and its wrapped private key. */
    public record CustodialKey(String address, byte[] wrappedKey, String kekId) {
    }
}
