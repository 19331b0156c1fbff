package health.ehr.consent.rest;

import health.ehr.consent.Consent;
import health.ehr.consent.rest.ConsentRequests.CreateConsentBody;
import health.ehr.consent.rest.ConsentViews.CheckView;
import health.ehr.consent.rest.ConsentViews.ConsentView;
import health.ehr.consent.rest.ConsentViews.TypedDataView;
import health.ehr.consent.service.ConsentCheck;
import health.ehr.consent.service.ConsentMirror;
import health.ehr.consent.service.ConsentService;
import health.ehr.consent.service.ConsentState;
import health.ehr.consent.service.Scopes;
import health.ehr.support.rest.DomainException;
import health.ehr.support.rest.Page;
import health.ehr.support.rest.PageRequest;
import health.ehr.support.security.Caller;
import health.ehr.support.security.Role;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The consent API of docs/api.md ({@code /api/consents}), plus the typed data a patient's wallet signs. */
@Path("/api/consents")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "jwt")
@Tag(name = "Consents", description = "Patient-signed consents mirrored from ConsentRegistry")
@APIResponse(responseCode = "401", description = "no valid bearer token",
        content = @Content(mediaType = "application/problem+json"))
public class ConsentResource {

    private final ConsentService consents;
    private final ConsentCheck check;
    private final ConsentState state;
    private final Caller caller;
    private final ConsentMirror mirror;

    public ConsentResource(ConsentService consents, ConsentCheck check, ConsentState state, Caller caller,
            ConsentMirror mirror) {
        this.mirror = mirror;
        this.consents = consents;
        this.check = check;
        this.state = state;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.PATIENT_NAME)
    @Operation(summary = "Grant a consent",
            description = "The caller (a patient) grants the grantee (a practitioner or clinic) access to a scope"
                    + " until expiresAt. Signed with the patient's custodial key by identity-service, or with the"
                    + " patient's wallet (signature, over POST /api/consents/typed-data). PENDING until the"
                    + " grant is mined and confirmed on chain.")
    @APIResponse(responseCode = "202", description = "accepted: PENDING",
            content = @Content(schema = @Schema(implementation = ConsentView.class)))
    @APIResponse(responseCode = "400", description = "invalid fields, unknown grantee, wrong wallet signature",
            content = @Content(mediaType = "application/problem+json"))
    @APIResponse(responseCode = "403", description = "the caller is not a patient",
            content = @Content(mediaType = "application/problem+json"))
    @APIResponse(responseCode = "409", description = "a live consent for this grantee and scope exists, or the"
            + " nonce moved on", content = @Content(mediaType = "application/problem+json"))
    @APIResponse(responseCode = "503", description = "identity-service or the chain did not answer",
            content = @Content(mediaType = "application/problem+json"))
    public Response create(@Valid @NotNull(message = "a body is required") CreateConsentBody body) {
        Consent consent = consents.create(caller.partyId(), body.toRequest());
        return Response.accepted(view(consent)).build();
    }

    @POST
    @Path("/typed-data")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.PATIENT_NAME)
    @Operation(summary = "The EIP-712 typed data of a grant, for the patient's wallet to sign",
            description = "Same body as POST /api/consents (signature ignored). Sign typedData with"
                    + " eth_signTypedData_v4 and send the signature and the nonce with POST /api/consents.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = TypedDataView.class)))
    public TypedDataView grantTypedData(@Valid @NotNull(message = "a body is required") CreateConsentBody body) {
        return TypedDataView.of(consents.grantTypedData(caller.partyId(), body.toRequest()));
    }

    @GET
    @RolesAllowed({Role.PATIENT_NAME, Role.PRACTITIONER_NAME, Role.CLINIC_NAME, Role.ADMIN_NAME})
    @Operation(summary = "List a patient's or a grantee's consents",
            description = "Exactly one of patientId and granteeId; only that party itself or an administrator.")
    @APIResponse(responseCode = "200", description = "{items, page, size, total}, newest first")
    @APIResponse(responseCode = "403", description = "another party's consents",
            content = @Content(mediaType = "application/problem+json"))
    public Page<ConsentView> list(@QueryParam("patientId") String patientId, @QueryParam("granteeId") String granteeId,
            @Valid @BeanParam PageRequest page) {
        return consents.list(caller.partyId(), caller.has(Role.ADMIN), uuid("patientId", patientId, false),
                uuid("granteeId", granteeId, false), page).map(this::view);
    }

    @GET
    @Path("/check")
    @RolesAllowed({Role.SERVICE_NAME, Role.PRACTITIONER_NAME, Role.CLINIC_NAME})
    @Operation(summary = "Whether a grantee may read a patient's records now",
            description = "From the mirror of the chain (ACTIVE consents), with expiry compared to now. A"
                    + " practitioner or clinic may only ask about itself. Without category and recordId any"
                    + " consent of the patient for the grantee counts.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = CheckView.class)))
    @APIResponse(responseCode = "403", description = "a practitioner or clinic asking about another grantee",
            content = @Content(mediaType = "application/problem+json"))
    @NonBlocking
    public Uni<CheckView> check(@QueryParam("patientId") String patientId, @QueryParam("granteeId") String granteeId,
            @Parameter(description = "LAB_RESULT, IMAGING, PRESCRIPTION, CLINICAL_NOTE, DISCHARGE_SUMMARY, OTHER")
            @QueryParam("category") String category,
            @QueryParam("recordId") String recordId) {
        UUID patient = uuid("patientId", patientId, true);
        UUID grantee = uuid("granteeId", granteeId, true);
        String normalisedCategory = null;
        if (category != null && !category.isBlank()) {
            normalisedCategory = category.strip().toUpperCase(Locale.ROOT);
            if (!Scopes.CATEGORIES.contains(normalisedCategory)) {
                throw DomainException.invalidField("category", "is not a record category");
            }
        }
        if (!caller.has(Role.SERVICE) && !caller.partyId().equals(grantee)) {
            throw DomainException.forbidden("A practitioner or clinic may only check its own consents.");
        }
        UUID record = uuid("recordId", recordId, false);
        String item = normalisedCategory;
        // On the I/O thread when the pair is in memory (the usual case); a miss asks MySQL on a worker.
        Optional<ConsentCheck.Grant> known = check.permittedIfCached(patient, grantee, item, record, Instant.now());
        if (known != null) {
            return Uni.createFrom().item(CheckView.of(known));
        }
        return Uni.createFrom().item(() -> CheckView.of(check.permitted(patient, grantee, item, record, Instant.now())))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    @GET
    @Path("/{consentId}")
    @RolesAllowed({Role.PATIENT_NAME, Role.PRACTITIONER_NAME, Role.CLINIC_NAME, Role.ADMIN_NAME})
    @Operation(summary = "A consent, for its patient or its grantee (404 for everyone else)")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ConsentView.class)))
    @APIResponse(responseCode = "404", content = @Content(mediaType = "application/problem+json"))
    public ConsentView get(@PathParam("consentId") String consentId) {
        return view(consents.get(caller.partyId(), pathId(consentId)));
    }

    @DELETE
    @Path("/{consentId}")
    @RolesAllowed(Role.PATIENT_NAME)
    @Operation(summary = "Revoke an ACTIVE consent",
            description = "REVOKING at once (the consent no longer permits reads), REVOKED when the revocation is"
                    + " confirmed on chain. A PENDING consent answers 409 until it is ACTIVE. A patient whose"
                    + " consents are signed by their own wallet sends the signature of the Revoke typed data"
                    + " (GET /api/consents/{consentId}/revocation-typed-data) and its nonce as query parameters.")
    @APIResponse(responseCode = "202", description = "accepted: REVOKING",
            content = @Content(schema = @Schema(implementation = ConsentView.class)))
    @APIResponse(responseCode = "404", description = "not the caller's consent",
            content = @Content(mediaType = "application/problem+json"))
    @APIResponse(responseCode = "409", description = "not ACTIVE, or the nonce moved on",
            content = @Content(mediaType = "application/problem+json"))
    public Response revoke(@PathParam("consentId") String consentId,
            @QueryParam("signature") @Pattern(regexp = ConsentRequests.SIGNATURE_PATTERN,
                    message = ConsentRequests.SIGNATURE_MESSAGE) String signature,
            @QueryParam("nonce") @Pattern(regexp = ConsentRequests.NONCE_PATTERN,
                    message = ConsentRequests.NONCE_MESSAGE) String nonce) {
        Consent consent = consents.revoke(caller.partyId(), pathId(consentId), signature, nonce);
        return Response.accepted(view(consent)).build();
    }

    @GET
    @Path("/{consentId}/revocation-typed-data")
    @RolesAllowed(Role.PATIENT_NAME)
    @Operation(summary = "The EIP-712 typed data of a revocation, for the patient's wallet to sign")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = TypedDataView.class)))
    public TypedDataView revokeTypedData(@PathParam("consentId") String consentId) {
        return TypedDataView.of(consents.revokeTypedData(caller.partyId(), pathId(consentId)));
    }

    private ConsentView view(Consent consent) {
        return ConsentView.of(consent, state.scope(consent), mirror.finalizedBlock());
    }

    private static UUID pathId(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw DomainException.notFound("No consent " + value + ".");
        }
    }

    private static UUID uuid(String field, String value, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                throw DomainException.invalidField(field, "is required");
            }
            return null;
        }
        try {
            return UUID.fromString(value.strip());
        } catch (IllegalArgumentException e) {
            throw DomainException.invalidField(field, "must be a UUID");
        }
    }
}
