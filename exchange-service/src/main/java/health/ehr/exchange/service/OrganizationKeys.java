package health.ehr.exchange.service;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.hybrid.HybridConfig;
import health.ehr.exchange.OrganizationKey;
import health.ehr.exchange.client.Es256k;
import health.ehr.exchange.client.RequestSigner;
import health.ehr.exchange.config.ExchangeConfig;
import health.ehr.exchange.repository.OrganizationKeyRepository;
import health.ehr.support.crypto.KeyEncryptionKey;
import health.ehr.support.crypto.KeyRing;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import org.jboss.logging.Logger;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/**
 * The organisation's two keys: the secp256k1 signing key (its address is the entry's signer on chain)
 * and the Tink hybrid encryption keyset (HPKE X25519 / HKDF-SHA256 / AES-256-GCM; its public half is the
 * entry's encryption key). Taken from configuration when a Secret supplies them; otherwise generated on
 * first start and stored only wrapped by the current key-encryption key (platform-support's
 * {@link KeyRing}), like every other key of the platform. Loaded once, on first use.
 */
@ApplicationScoped
public class OrganizationKeys {

    /** The Tink template of the encryption keyset. */
    public static final String ENCRYPTION_TEMPLATE = "DHKEM_X25519_HKDF_SHA256_HKDF_SHA256_AES_256_GCM";

    private static final Logger LOG = Logger.getLogger(OrganizationKeys.class);

    private final ExchangeConfig config;
    private final KeyRing keyRing;
    private final OrganizationKeyRepository repository;
    private final Clock clock;
    private volatile Loaded loaded;

    /** The keys in memory. */
    private record Loaded(BigInteger signingKey, String signingAddress, KeysetHandle encryption,
            byte[] encryptionPublic) {
    }

    public OrganizationKeys(ExchangeConfig config, KeyRing keyRing, OrganizationKeyRepository repository) {
        this.config = config;
        this.keyRing = keyRing;
        this.repository = repository;
        this.clock = Clock.systemUTC();
    }

    /** The signing key's address, lower-case 0x hex: what the chain must register as this organisation's signer. */
    public String signingAddress() {
        return keys().signingAddress();
    }

    /** The public encryption keyset (Tink binary format) as 0x hex: what the chain must hold as the entry's key. */
    public String encryptionPublicKey() {
        return Numeric.toHexString(keys().encryptionPublic());
    }

    /** The private encryption keyset, to open what peers sealed to this organisation. */
    public KeysetHandle encryptionKeyset() {
        return keys().encryption();
    }

    /** A signer of this organisation's outgoing requests. */
    public RequestSigner requestSigner() {
        return new RequestSigner(config.organizationId(), Es256k.ecKey(keys().signingKey()), clock);
    }

    private Loaded keys() {
        Loaded current = loaded;
        if (current == null) {
            synchronized (this) {
                if (loaded == null) {
                    loaded = load();
                }
                current = loaded;
            }
        }
        return current;
    }

    private Loaded load() {
        try {
            HybridConfig.register();
            BigInteger signing = config.keys().signingKey().filter(k -> !k.isBlank())
                    .map(k -> Numeric.toBigInt(k.trim()))
                    .orElseGet(this::storedSigningKey);
            KeysetHandle encryption = config.keys().encryptionKeyset().filter(k -> !k.isBlank())
                    .map(OrganizationKeys::parseKeyset)
                    .orElseGet(this::storedEncryptionKeyset);
            byte[] publicKeyset = TinkProtoKeysetFormat.serializeKeysetWithoutSecret(
                    encryption.getPublicKeysetHandle());
            Loaded result = new Loaded(signing, Es256k.address(signing), encryption, publicKeyset);
            LOG.infof("organisation %s: signing address %s, encryption key %d bytes", config.organizationId(),
                    result.signingAddress(), publicKeyset.length);
            return result;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the organisation's keys", e);
        }
    }

    private BigInteger storedSigningKey() {
        OrganizationKey row = QuarkusTransaction.requiringNew().call(() -> repository.current(
                OrganizationKey.Purpose.SIGNING).orElse(null));
        if (row == null) {
            BigInteger fresh = newSigningKey();
            byte[] wrapped = wrap(Numeric.toBytesPadded(fresh, 32), OrganizationKey.Purpose.SIGNING, 1);
            byte[] address = Numeric.hexStringToByteArray(Es256k.address(fresh));
            boolean stored = QuarkusTransaction.requiringNew().call(() -> repository.insertIfAbsent(
                    OrganizationKey.Purpose.SIGNING, 1, keyRing.current().id(), wrapped, address, Instant.now()));
            if (stored) {
                LOG.infof("generated the organisation's signing key %s", Es256k.address(fresh));
                return fresh;
            }
            row = QuarkusTransaction.requiringNew().call(() -> repository.current(OrganizationKey.Purpose.SIGNING)
                    .orElseThrow());
        }
        return new BigInteger(1, unwrap(row));
    }

    private KeysetHandle storedEncryptionKeyset() {
        OrganizationKey row = QuarkusTransaction.requiringNew().call(() -> repository.current(
                OrganizationKey.Purpose.ENCRYPTION).orElse(null));
        try {
            if (row == null) {
                KeysetHandle fresh = KeysetHandle.generateNew(KeyTemplates.get(ENCRYPTION_TEMPLATE));
                KeyEncryptionKey kek = keyRing.current();
                byte[] wrapped = TinkProtoKeysetFormat.serializeEncryptedKeyset(fresh, kek,
                        associatedData(OrganizationKey.Purpose.ENCRYPTION, 1));
                byte[] publicKeyset = TinkProtoKeysetFormat.serializeKeysetWithoutSecret(fresh.getPublicKeysetHandle());
                boolean stored = QuarkusTransaction.requiringNew().call(() -> repository.insertIfAbsent(
                        OrganizationKey.Purpose.ENCRYPTION, 1, kek.id(), wrapped, publicKeyset, Instant.now()));
                if (stored) {
                    LOG.info("generated the organisation's encryption keyset");
                    return fresh;
                }
                row = QuarkusTransaction.requiringNew().call(() -> repository.current(
                        OrganizationKey.Purpose.ENCRYPTION).orElseThrow());
            }
            return TinkProtoKeysetFormat.parseEncryptedKeyset(row.wrappedKey, keyRing.byId(row.kekId),
                    associatedData(OrganizationKey.Purpose.ENCRYPTION, row.id.version));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate or unwrap the organisation's encryption keyset", e);
        }
    }

    private static BigInteger newSigningKey() {
        try {
            return Keys.createEcKeyPair().getPrivateKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a secp256k1 key", e);
        }
    }

    private byte[] wrap(byte[] secret, OrganizationKey.Purpose purpose, int version) {
        try {
            return keyRing.current().encrypt(secret, associatedData(purpose, version));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot wrap the organisation's " + purpose + " key", e);
        }
    }

    private byte[] unwrap(OrganizationKey row) {
        try {
            return keyRing.byId(row.kekId).decrypt(row.wrappedKey,
                    associatedData(OrganizationKey.Purpose.valueOf(row.id.purpose), row.id.version));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot unwrap the organisation's " + row.id.purpose + " key", e);
        }
    }

    /** Binds a wrapped key to its purpose and version, so one row's ciphertext cannot stand in for another. */
    private static byte[] associatedData(OrganizationKey.Purpose purpose, int version) {
        return ("exchange-organization-key:" + purpose.name().toLowerCase(Locale.ROOT) + ":" + version)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static KeysetHandle parseKeyset(String json) {
        try {
            return TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("exchange.keys.encryption-keyset is not a Tink JSON keyset", e);
        }
    }
}
