package health.ehr.records.rest;

import com.fasterxml.jackson.databind.JsonNode;
import health.ehr.records.AccessAction;
import health.ehr.records.MedicalRecord;
import health.ehr.records.RecordCategory;
import health.ehr.records.rest.RecordRequests.EmergencyRequest;
import health.ehr.records.rest.RecordViews.EmergencyGranted;
import health.ehr.records.rest.RecordViews.RecordView;
import health.ehr.records.rest.RecordViews.Verification;
import health.ehr.records.service.ContentNames;
import health.ehr.records.service.EmergencyAccess;
import health.ehr.records.service.ProofService;
import health.ehr.records.service.ReadableRecord;
import health.ehr.records.service.RecordErasure;
import health.ehr.records.service.RecordListing;
import health.ehr.records.service.RecordReading;
import health.ehr.records.service.RecordUpload;
import health.ehr.support.rest.DomainException;
import health.ehr.support.rest.Page;
import health.ehr.support.rest.PageRequest;
import health.ehr.support.security.Caller;
import health.ehr.support.security.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.logging.Logger;

/** The records API: upload, read, prove, verify, erase, emergency access. */
@Path("/api/records")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "jwt")
@RolesAllowed({Role.PATIENT_NAME, Role.PRACTITIONER_NAME, Role.CLINIC_NAME})
public class RecordsResource {

    private static final Logger LOG = Logger.getLogger(RecordsResource.class);

    private final RecordUpload uploads;
    private final RecordListing listing;
    private final RecordReading reading;
    private final RecordErasure erasure;
    private final EmergencyAccess emergencies;
    private final ProofService proofs;
    private final Caller caller;

    public RecordsResource(RecordUpload uploads, RecordListing listing, RecordReading reading, RecordErasure erasure,
            EmergencyAccess emergencies, ProofService proofs, Caller caller) {
        this.uploads = uploads;
        this.listing = listing;
        this.reading = reading;
        this.erasure = erasure;
        this.emergencies = emergencies;
        this.proofs = proofs;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Upload a record (multipart: file, patientId, category, title, description?)")
    public Response upload(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long contentLength, InputStream body) {
        MedicalRecord record = uploads.upload(caller, contentType, contentLength == null ? -1 : contentLength, body);
        return Response.created(URI.create("/api/records/" + record.recordId)).entity(RecordView.of(record)).build();
    }

    @GET
    @Operation(summary = "A patient's records that the caller may see")
    public Page<RecordView> list(@QueryParam("patientId") UUID patientId, @QueryParam("category") String category,
            @Valid @BeanParam PageRequest page) {
        if (category != null && !RecordCategory.isValid(category)) {
            throw DomainException.invalidField("category", "must be one of " + RecordCategory.names());
        }
        return listing.list(caller, patientId, category, page).map(RecordView::of);
    }

    @GET
    @Path("/{recordId}")
    @Operation(summary = "A record's metadata")
    public RecordView get(@PathParam("recordId") UUID recordId) {
        return RecordView.of(reading.metadata(caller, recordId));
    }

    @GET
    @Path("/{recordId}/content")
    @Produces(MediaType.WILDCARD)
    @Operation(summary = "The decrypted content; every call is logged as an access")
    public Response content(@PathParam("recordId") UUID recordId) throws Exception {
        ReadableRecord readable = reading.open(caller, recordId, AccessAction.READ_CONTENT);
        InputStream plaintext = reading.content(readable);
        MedicalRecord record = readable.record();
        StreamingOutput body = out -> {
            try (InputStream in = plaintext) {
                byte[] buffer = new byte[256 * 1024];
                int n;
                while ((n = in.read(buffer)) != -1) {
                    out.write(buffer, 0, n);
                }
            } catch (java.io.IOException e) {
                // Tink reports tampering only at the damaged segment: abort the response, never end it cleanly.
                LOG.errorf("record %s failed its integrity check while streaming: %s", recordId, e.getMessage());
                throw e;
            }
        };
        return Response.ok(body, record.contentType)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentNames.disposition(record.fileName))
                .header(HttpHeaders.CONTENT_LENGTH, record.size)
                .header("X-Content-SHA256", record.sha256)
                .build();
    }

    @GET
    @Path("/{recordId}/proof")
    @Operation(summary = "The record's Merkle proof against AnchorRegistry (PENDING until anchored)")
    public JsonNode proof(@PathParam("recordId") UUID recordId) {
        ReadableRecord readable = reading.open(caller, recordId, AccessAction.READ_PROOF);
        return proofs.proof(readable.record().recordId);
    }

    @GET
    @Path("/{recordId}/verify")
    @Operation(summary = "Recompute the content hash from storage and check it and the anchor")
    public Verification verify(@PathParam("recordId") UUID recordId) {
        ReadableRecord readable = reading.open(caller, recordId, AccessAction.VERIFY);
        MedicalRecord record = readable.record();
        String computed = reading.recomputeSha256(readable);
        JsonNode proof = proofs.proof(recordId);
        boolean anchored = "ANCHORED".equals(proof.path("status").asText());
        Boolean rootMatches = anchored ? proofs.onChainRootMatches(recordId, proof) : null;
        return new Verification(recordId, record.sha256.equals(computed), record.sha256, computed, anchored,
                rootMatches);
    }

    @DELETE
    @Path("/{recordId}")
    @RolesAllowed(Role.PATIENT_NAME)
    @Operation(summary = "Erase by crypto-shredding: content answers 410 afterwards, the proof remains")
    public Response erase(@PathParam("recordId") UUID recordId) {
        erasure.erase(caller, recordId);
        return Response.noContent().build();
    }

    @POST
    @Path("/{recordId}/emergency-access")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.PRACTITIONER_NAME)
    @Operation(summary = "Audited, time-limited emergency access; the patient is notified")
    public EmergencyGranted emergencyAccess(@PathParam("recordId") UUID recordId,
            @Valid @NotNull(message = "a body is required") EmergencyRequest body) {
        return new EmergencyGranted(emergencies.grant(caller, recordId, body.reason()));
    }
}
