package health.ehr.anchor.service;

import static health.ehr.anchor.service.CommandValidation.address;
import static health.ehr.anchor.service.CommandValidation.bytes32;
import static health.ehr.anchor.service.CommandValidation.positive;
import static health.ehr.anchor.service.CommandValidation.required;
import static health.ehr.anchor.service.CommandValidation.signature;
import static health.ehr.anchor.service.CommandValidation.uint256;
import static health.ehr.events.Ids.bytes;
import static health.ehr.events.Ids.uuid;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.ehr.anchor.ChainCommand;
import health.ehr.anchor.ChainTransaction;
import health.ehr.anchor.client.ChainClient;
import health.ehr.anchor.config.AnchorConfig;
import health.ehr.contracts.ChainUnavailableException;
import health.ehr.contracts.ContractRevert;
import health.ehr.contracts.generated.PatientRegistry;
import health.ehr.events.EventData;
import health.ehr.events.anchor.ChainTransactionFailed;
import health.ehr.events.anchor.PatientRegisteredOnChain;
import health.ehr.events.chain.GrantConsent;
import health.ehr.events.chain.RegisterPatient;
import health.ehr.events.chain.RevokeConsent;
import health.ehr.support.messaging.OutboxWriter;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * Relays chain commands (RegisterPatient, GrantConsent, RevokeConsent) to PatientRegistry and
 * ConsentRegistry. The event handler only validates and stores a command; this relay pre-flights
 * each one with {@code eth_call} (a command the contract would refuse is answered with
 * ChainTransactionFailed and the decoded reason, and never costs gas), then hands it to the
 * {@link ChainWriter}. Commands of one patient go out one at a time, in arrival order (a grant must
 * not be pre-flighted before the registration it depends on is mined); different patients' commands
 * are pipelined. A node outage leaves commands waiting; nothing is dropped.
 */
@ApplicationScoped
public class ChainCommandRelay implements TransactionOutcomes {

    private static final Logger LOG = Logger.getLogger(ChainCommandRelay.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATIENT_REGISTERED_TOPIC = EventEncoder.encode(PatientRegistry.PATIENTREGISTERED_EVENT);

    private final EntityManager em;
    private final ChainClient chain;
    private final ChainIdentity identity;
    private final ChainWriter writer;
    private final OutboxWriter outbox;
    private final AnchorMetrics metrics;
    private final AnchorConfig config;
    private volatile boolean nodeDown;

    public ChainCommandRelay(EntityManager em, ChainClient chain, ChainWriter writer, OutboxWriter outbox,
            AnchorMetrics metrics, AnchorConfig config, ChainIdentity identity) {
        this.identity = identity;
        this.config = config;
        this.em = em;
        this.chain = chain;
        this.writer = writer;
        this.outbox = outbox;
        this.metrics = metrics;
    }

    /** Validates and stores a command (in the event consumer's transaction); a repeated command id is ignored. */
    public void accept(EventData command, Instant receivedAt) {
        UUID commandId;
        UUID patientId;
        UUID subjectId;
        if (command instanceof RegisterPatient c) {
            commandId = required(c.commandId(), "commandId");
            patientId = required(c.patientId(), "patientId");
            subjectId = patientId;
            bytes32(c.chainId(), "chainId");
            address(c.controllerAddress(), "controllerAddress");
        } else if (command instanceof GrantConsent c) {
            commandId = required(c.commandId(), "commandId");
            patientId = required(c.patientId(), "patientId");
            subjectId = required(c.consentId(), "consentId");
            bytes32(c.patientChainId(), "patientChainId");
            bytes32(c.granteeChainId(), "granteeChainId");
            bytes32(c.scopeHash(), "scopeHash");
            if (c.remote()) {
                bytes32(c.granteeOrganizationId(), "granteeOrganizationId");
            }
            positive(c.expiresAt(), "expiresAt");
            uint256(c.nonce(), "nonce");
            signature(c.signature(), "signature");
        } else if (command instanceof RevokeConsent c) {
            commandId = required(c.commandId(), "commandId");
            patientId = required(c.patientId(), "patientId");
            subjectId = required(c.consentId(), "consentId");
            bytes32(c.patientChainId(), "patientChainId");
            bytes32(c.granteeChainId(), "granteeChainId");
            bytes32(c.scopeHash(), "scopeHash");
            if (c.remote()) {
                bytes32(c.granteeOrganizationId(), "granteeOrganizationId");
            }
            uint256(c.nonce(), "nonce");
            signature(c.signature(), "signature");
        } else {
            throw new IllegalArgumentException("not a chain command: " + command.getClass().getSimpleName());
        }
        int added = em.createNativeQuery("INSERT IGNORE INTO chain_command (command_id, command_type, patient_id,"
                        + " subject_id, payload, status, received_at, updated_at)"
                        + " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)")
                .setParameter(1, bytes(commandId)).setParameter(2, command.getClass().getSimpleName())
                .setParameter(3, bytes(patientId)).setParameter(4, bytes(subjectId))
                .setParameter(5, write(command)).setParameter(6, ChainCommand.PENDING)
                .setParameter(7, receivedAt).executeUpdate();
        if (added == 0) {
            LOG.infof("command %s already received; ignored", commandId);
        }
    }

    private Ticker ticker;

    void startTicker(@Observes StartupEvent startup) {
        ticker = new Ticker(
                "chain-command-relay", Duration.ofSeconds(1), config.commandPollInterval(), this::scheduled);
    }

    void stopTicker(@Observes ShutdownEvent shutdown) {
        if (ticker != null) {
            ticker.close();
        }
    }

    void scheduled() {
        try {
            relayPending();
            if (nodeDown) {
                LOG.info("Ethereum node reachable again; relaying chain commands");
                nodeDown = false;
            }
        } catch (ChainUnavailableException e) {
            if (!nodeDown) {
                LOG.warnf("chain commands wait: %s", e.getMessage());
                nodeDown = true;
            }
        }
    }

    /** One pass over pending commands in arrival order; returns how many were relayed or refused. */
    public int relayPending() {
        if (!identity.usable()) {
            return 0; // a replaced chain: commands wait until it is adopted
        }
        @SuppressWarnings("unchecked")
        List<Object[]> pending = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "SELECT command_id, patient_id FROM chain_command WHERE status = 'PENDING' ORDER BY seq LIMIT 200")
                .getResultList());
        Set<UUID> waiting = new HashSet<>();
        int done = 0;
        for (Object[] row : pending) {
            UUID commandId = uuid((byte[]) row[0]);
            UUID patientId = uuid((byte[]) row[1]);
            if (waiting.contains(patientId)) {
                continue;
            }
            Boolean relayed;
            try {
                relayed = QuarkusTransaction.requiringNew().call(() -> relayOne(commandId, patientId));
            } catch (ChainUnavailableException e) {
                throw e;
            } catch (RuntimeException e) {
                // This command stays pending (and its patient's later ones wait); other patients go on.
                LOG.warnf("command %s not relayed this round: %s", commandId, e.getMessage());
                waiting.add(patientId);
                continue;
            }
            if (relayed == null) {
                waiting.add(patientId);
            } else {
                done++;
                if (relayed) {
                    waiting.add(patientId);
                }
            }
        }
        return done;
    }

    /**
     * Relays one command, unless an earlier command of its patient is not yet mined.
     *
     * @return null when it has to wait, true when submitted, false when refused by the pre-flight
     */
    private Boolean relayOne(UUID commandId, UUID patientId) {
        // Lock this patient's commands up to this one: replicas relay one patient's commands in order.
        @SuppressWarnings("unchecked")
        List<Object[]> earlier = em.createNativeQuery("SELECT c.command_id, c.status, t.status FROM chain_command c"
                        + " LEFT JOIN chain_tx t ON t.tx_id = c.chain_tx_id"
                        + " WHERE c.patient_id = ?1 AND c.seq <= (SELECT seq FROM chain_command WHERE command_id = ?2)"
                        + " ORDER BY c.seq FOR UPDATE")
                .setParameter(1, bytes(patientId)).setParameter(2, bytes(commandId)).getResultList();
        for (Object[] row : earlier) {
            UUID id = uuid((byte[]) row[0]);
            String status = (String) row[1];
            String txStatus = (String) row[2];
            if (id.equals(commandId)) {
                if (!ChainCommand.PENDING.equals(status)) {
                    return false; // another replica relayed it meanwhile
                }
                break;
            }
            boolean unmined = ChainCommand.PENDING.equals(status) || (ChainCommand.SUBMITTED.equals(status)
                    && (ChainTransaction.SIGNED.equals(txStatus) || ChainTransaction.SENT.equals(txStatus)));
            if (unmined) {
                return null;
            }
        }
        ChainCommand command = em.find(ChainCommand.class, commandId);
        EventData payload = read(command);
        Call call = callOf(payload);
        Optional<ContractRevert> revert = chain.preflight(call.to(), call.data());
        if (revert.isPresent()) {
            if (payload instanceof RegisterPatient register && alreadyRegisteredTo(revert.get(), register)) {
                registeredEarlier(command, register);
                return false;
            }
            refuse(command, payload, revert.get().toString(), null);
            return false;
        }
        ChainTransaction tx = writer.submit(call.purpose(), commandId, call.to(), call.data());
        command.status = ChainCommand.SUBMITTED;
        command.chainTxId = tx.txId;
        command.updatedAt = Instant.now();
        LOG.infof("command %s (%s) submitted as tx %s", commandId, command.commandType, tx.txHash);
        return true;
    }

    private record Call(ChainTransaction.Purpose purpose, String to, String data) {
    }

    private Call callOf(EventData payload) {
        if (payload instanceof RegisterPatient c) {
            return new Call(ChainTransaction.Purpose.REGISTER_PATIENT, chain.patientRegistry(),
                    chain.encodeRegister(bytes32(c.chainId(), "chainId"), address(c.controllerAddress(),
                            "controllerAddress")));
        }
        if (payload instanceof GrantConsent c && c.remote()) {
            return new Call(ChainTransaction.Purpose.GRANT_CONSENT, chain.consentRegistry(),
                    chain.encodeGrantRemote(bytes32(c.patientChainId(), "patientChainId"),
                            bytes32(c.granteeOrganizationId(), "granteeOrganizationId"),
                            bytes32(c.granteeChainId(), "granteeChainId"), bytes32(c.scopeHash(), "scopeHash"),
                            c.expiresAt(), uint256(c.nonce(), "nonce"), signature(c.signature(), "signature")));
        }
        if (payload instanceof GrantConsent c) {
            return new Call(ChainTransaction.Purpose.GRANT_CONSENT, chain.consentRegistry(),
                    chain.encodeGrant(bytes32(c.patientChainId(), "patientChainId"),
                            bytes32(c.granteeChainId(), "granteeChainId"), bytes32(c.scopeHash(), "scopeHash"),
                            c.expiresAt(), uint256(c.nonce(), "nonce"), signature(c.signature(), "signature")));
        }
        RevokeConsent c = (RevokeConsent) payload;
        if (c.remote()) {
            return new Call(ChainTransaction.Purpose.REVOKE_CONSENT, chain.consentRegistry(),
                    chain.encodeRevokeRemote(bytes32(c.patientChainId(), "patientChainId"),
                            bytes32(c.granteeOrganizationId(), "granteeOrganizationId"),
                            bytes32(c.granteeChainId(), "granteeChainId"), bytes32(c.scopeHash(), "scopeHash"),
                            uint256(c.nonce(), "nonce"), signature(c.signature(), "signature")));
        }
        return new Call(ChainTransaction.Purpose.REVOKE_CONSENT, chain.consentRegistry(),
                chain.encodeRevoke(bytes32(c.patientChainId(), "patientChainId"),
                        bytes32(c.granteeChainId(), "granteeChainId"), bytes32(c.scopeHash(), "scopeHash"),
                        uint256(c.nonce(), "nonce"), signature(c.signature(), "signature")));
    }

    /** A registration repeated with the same controller is a success, not a failure. */
    private static boolean alreadyRegisteredTo(ContractRevert revert, RegisterPatient register) {
        return "PatientRegistryAlreadyRegistered".equals(revert.name()) && revert.values().size() == 2
                && String.valueOf(revert.values().get(1)).equalsIgnoreCase(register.controllerAddress());
    }

    private void registeredEarlier(ChainCommand command, RegisterPatient register) {
        List<Log> logs = chain.logs(chain.patientRegistry(), PATIENT_REGISTERED_TOPIC,
                Numeric.toHexString(bytes32(register.chainId(), "chainId")));
        Log log = logs.isEmpty() ? null : logs.get(logs.size() - 1);
        command.status = ChainCommand.DONE;
        command.reason = "already registered";
        command.updatedAt = Instant.now();
        outbox.append(new PatientRegisteredOnChain(register.patientId(), register.chainId().toLowerCase(Locale.ROOT),
                register.controllerAddress().toLowerCase(Locale.ROOT),
                log == null ? null : log.getTransactionHash(),
                log == null ? 0 : log.getBlockNumber().longValueExact()));
        metrics.commandOutcome(command.commandType, "already-done");
        LOG.infof("command %s: patient %s was already registered to the same controller", command.commandId,
                register.patientId());
    }

    private void refuse(ChainCommand command, EventData payload, String reason, String txHash) {
        command.status = ChainCommand.FAILED;
        command.reason = reason.length() > 1000 ? reason.substring(0, 1000) : reason;
        command.updatedAt = Instant.now();
        outbox.append(new ChainTransactionFailed(command.commandId, command.commandType, command.subjectId,
                command.patientId, reason, txHash));
        metrics.commandOutcome(command.commandType, "failed");
        LOG.infof("command %s (%s) failed: %s", command.commandId, command.commandType, reason);
    }

    @Override
    public boolean handles(ChainTransaction.Purpose purpose) {
        return purpose == ChainTransaction.Purpose.REGISTER_PATIENT || purpose == ChainTransaction.Purpose.GRANT_CONSENT
                || purpose == ChainTransaction.Purpose.REVOKE_CONSENT;
    }

    /**
     * A reorg deeper than the confirmation depth removed the command's transaction: it is in flight
     * again (the tracker sends the same bytes), so the patient's later commands wait for it as before.
     * consent-service sees the grant or revocation log vanish and come back by itself.
     */
    @Override
    public void withdrawn(ChainTransaction tx) {
        ChainCommand command = em.find(ChainCommand.class, tx.subjectId);
        if (ChainCommand.DONE.equals(command.status)) {
            command.status = ChainCommand.SUBMITTED;
            command.updatedAt = Instant.now();
            metrics.commandOutcome(command.commandType, "withdrawn");
            LOG.warnf("command %s (%s): tx %s withdrawn by a deep reorg; sent again", command.commandId,
                    command.commandType, tx.minedHash);
        }
    }

    @Override
    public void confirmed(ChainTransaction tx, Instant blockTime) {
        ChainCommand command = em.find(ChainCommand.class, tx.subjectId);
        command.status = ChainCommand.DONE;
        command.updatedAt = Instant.now();
        EventData payload = read(command);
        if (payload instanceof RegisterPatient register) {
            // Grants and revocations need no event: consent-service mirrors them from the chain's logs.
            outbox.append(new PatientRegisteredOnChain(register.patientId(),
                    register.chainId().toLowerCase(Locale.ROOT), register.controllerAddress().toLowerCase(Locale.ROOT),
                    tx.minedHash, tx.blockNumber));
        }
        metrics.commandOutcome(command.commandType, "done");
    }

    @Override
    public void failed(ChainTransaction tx, String reason) {
        ChainCommand command = em.find(ChainCommand.class, tx.subjectId);
        EventData payload = read(command);
        String decoded = reason;
        if (tx.minedHash != null) {
            // Re-run the call against the current state for a readable reason (best effort).
            try {
                Call call = callOf(payload);
                decoded = chain.preflight(call.to(), call.data()).map(r -> reason + ": " + r).orElse(reason);
            } catch (RuntimeException e) {
                decoded = reason;
            }
        }
        refuse(command, payload, decoded, tx.minedHash != null ? tx.minedHash : tx.txHash);
    }

    private static String write(EventData command) {
        try {
            return JSON.writeValueAsString(command);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static EventData read(ChainCommand command) {
        Class<? extends EventData> type = switch (command.commandType) {
            case "RegisterPatient" -> RegisterPatient.class;
            case "GrantConsent" -> GrantConsent.class;
            case "RevokeConsent" -> RevokeConsent.class;
            default -> throw new IllegalStateException("unknown command type " + command.commandType);
        };
        try {
            return JSON.readValue(command.payload, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored command " + command.commandId + " unreadable", e);
        }
    }
}
