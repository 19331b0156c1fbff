package health.ehr.system.faults;

import health.ehr.system.faults.FaultStack.Answer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The consent part of the load, one thread: the grants in phases 0–4, each even one revoked three phases
 * later once ACTIVE. Each request waits while the mail is paused ({@link FaultLoad#awaitMailOps}) and is
 * tallied with the rest of the load's answers; what became of a grant is kept in its {@link Grant}.
 */
final class ConsentLoad {

    private final FaultStack stack;
    private final RunLog log;
    private final String run;
    private final FaultSchedule schedule;
    private final List<Grant> grants;
    private final FaultLoad load;

    ConsentLoad(FaultStack stack, RunLog log, String run, FaultSchedule schedule, List<Grant> grants, FaultLoad load) {
        this.stack = stack;
        this.log = log;
        this.run = run;
        this.schedule = schedule;
        this.grants = grants;
        this.load = load;
    }

    /** Grants in phases 0–4, each even one revoked three phases later once ACTIVE. */
    void run() {
        try {
            List<Object[]> actions = new ArrayList<>();
            for (Grant grant : grants) {
                int at = grant.index * 5 / grants.size();
                actions.add(new Object[] {at, grant, false});
                if (grant.revoke) {
                    actions.add(new Object[] {at + 3, grant, true});
                }
            }
            actions.sort((a, b) -> Integer.compare((int) a[0], (int) b[0]));
            for (Object[] action : actions) {
                while (schedule.phase() < (int) action[0]) {
                    FaultLoad.sleep(100);
                }
                Grant grant = (Grant) action[1];
                if ((boolean) action[2]) {
                    revoke(grant);
                } else {
                    grant(grant);
                }
            }
        } catch (RuntimeException e) {
            log.note("consents: " + e);
        }
    }

    private void grant(Grant grant) {
        String body = "{\"granteeId\":\"" + grant.doctor.id + "\",\"scope\":{\"categories\":[\"" + grant.category
                + "\"]},\"purpose\":\"fault run " + run + "\",\"expiresAt\":\""
                + Instant.now().plus(90, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS) + "\"}";
        for (int attempt = 0; attempt < FaultLoad.MAX_TRIES; attempt++) {
            load.awaitMailOps();
            Answer answer;
            try {
                answer = stack.postJson("/api/consents", grant.patient, body);
            } finally {
                load.mailOpDone();
            }
            load.count(load.consentAnswers, answer, "consent");
            if (answer.status() == 202) {
                grant.consentId = answer.json().get("consentId").asText();
                return;
            }
            if (answer.status() == 409 && grant.grantUncertain) {
                return; // an earlier try without an answer created it: found in the patient's list afterwards
            }
            if (answer.status() / 100 == 4 && answer.status() != 408 && answer.status() != 429) {
                log.note("grant " + grant.index + " refused: " + answer.status() + " " + answer.text());
                return;
            }
            grant.grantUncertain |= !answer.refused();
            FaultLoad.sleep(FaultLoad.backoff(attempt));
        }
        log.note("grant " + grant.index + " given up after " + FaultLoad.MAX_TRIES + " tries");
    }

    private void revoke(Grant grant) {
        if (grant.consentId == null) {
            grant.revokeProblem = "no consent id (grant not acknowledged)";
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            Answer state = stack.get("/api/consents/" + grant.consentId, grant.patient);
            if (state.status() != 200 || !"ACTIVE".equals(state.json().path("status").asText())) {
                FaultLoad.sleep(1000);
                continue;
            }
            load.awaitMailOps();
            Answer answer;
            try {
                answer = stack.send("DELETE", "/api/consents/" + grant.consentId, grant.patient, null, null);
            } finally {
                load.mailOpDone();
            }
            load.count(load.consentAnswers, answer, "consent");
            if (answer.status() == 202) {
                grant.revokeAcknowledged = true;
                return;
            }
            FaultLoad.sleep(FaultLoad.backoff(attempt));
        }
        grant.revokeProblem = "not revoked: the consent was not ACTIVE, or the DELETE not accepted, within 240 s";
    }
}
