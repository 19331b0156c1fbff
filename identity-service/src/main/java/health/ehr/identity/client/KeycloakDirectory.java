package health.ehr.identity.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.ehr.identity.config.IdentityConfig;
import health.ehr.support.rest.DomainException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.ClientResource;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * The platform's users and clinic clients in Keycloak, through the Keycloak admin client with
 * identity-service's own service account (realm-management: manage-users, manage-clients).
 */
@ApplicationScoped
public class KeycloakDirectory {

    private static final Logger LOG = Logger.getLogger(KeycloakDirectory.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Keycloak keycloak;
    private final IdentityConfig config;

    public KeycloakDirectory(Keycloak keycloak, IdentityConfig config) {
        this.keycloak = keycloak;
        this.config = config;
    }

    /**
     * Creates an enabled user with a password and one realm role; returns its id. 409 when the
     * e-mail is taken; 400 (on {@code password}) when the realm's password policy refuses it.
     */
    public UUID createUser(String email, String password, String givenName, String familyName, String role) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(email);
        user.setEmail(email);
        user.setFirstName(givenName);
        user.setLastName(familyName);
        user.setEnabled(true);
        user.setEmailVerified(true);
        CredentialRepresentation credential = new CredentialRepresentation();
        credential.setType(CredentialRepresentation.PASSWORD);
        credential.setValue(password);
        credential.setTemporary(false);
        user.setCredentials(List.of(credential));
        String id;
        try (Response response = realm().users().create(user)) {
            if (response.getStatus() == 409) {
                throw DomainException.conflict("An account with this e-mail already exists.");
            }
            if (response.getStatus() == 400) {
                throw new PasswordRejectedException(readError(response));
            }
            if (response.getStatus() != 201) {
                throw unavailable("Keycloak answered " + response.getStatus() + " to a user creation", null);
            }
            id = CreatedResponseUtil.getCreatedId(response);
        } catch (ProcessingException e) {
            throw unavailable("Keycloak is not reachable", e);
        }
        try {
            realm().users().get(id).roles().realmLevel().add(List.of(role(role)));
        } catch (RuntimeException e) {
            deleteUser(UUID.fromString(id));
            throw unavailable("the role could not be assigned", e);
        }
        return UUID.fromString(id);
    }

    /** Deletes a user (compensation of a registration that failed later on). */
    public void deleteUser(UUID userId) {
        try {
            realm().users().delete(userId.toString()).close();
        } catch (RuntimeException e) {
            LOG.errorf("could not delete Keycloak user %s while compensating: %s", userId, e.getMessage());
        }
    }

    /**
     * Creates a confidential client for the client-credentials grant, whose service account holds
     * realm role {@code clinic}; tokens carry the roles in {@code groups} and audience {@code ehr-api}.
     */
    public ClinicClient createClinicClient(String clientId, String name) {
        ClientRepresentation client = new ClientRepresentation();
        client.setClientId(clientId);
        client.setName(name);
        client.setEnabled(true);
        client.setPublicClient(false);
        client.setClientAuthenticatorType("client-secret");
        client.setServiceAccountsEnabled(true);
        client.setStandardFlowEnabled(false);
        client.setDirectAccessGrantsEnabled(false);
        client.setImplicitFlowEnabled(false);
        client.setProtocolMappers(List.of(
                mapper("groups", "oidc-usermodel-realm-role-mapper", Map.of("claim.name", "groups",
                        "multivalued", "true", "access.token.claim", "true", "id.token.claim", "true",
                        "jsonType.label", "String")),
                mapper("ehr-api audience", "oidc-audience-mapper", Map.of("included.custom.audience", "ehr-api",
                        "access.token.claim", "true", "id.token.claim", "false"))));
        String internalId;
        try (Response response = realm().clients().create(client)) {
            if (response.getStatus() == 409) {
                throw DomainException.conflict("A client with this id already exists.");
            }
            if (response.getStatus() != 201) {
                throw unavailable("Keycloak answered " + response.getStatus() + " to a client creation", null);
            }
            internalId = CreatedResponseUtil.getCreatedId(response);
        } catch (ProcessingException e) {
            throw unavailable("Keycloak is not reachable", e);
        }
        try {
            ClientResource resource = realm().clients().get(internalId);
            String secret = resource.getSecret().getValue();
            UserRepresentation account = resource.getServiceAccountUser();
            realm().users().get(account.getId()).roles().realmLevel().add(List.of(role("clinic")));
            return new ClinicClient(internalId, UUID.fromString(account.getId()), secret);
        } catch (RuntimeException e) {
            deleteClient(internalId);
            throw unavailable("the clinic client could not be completed", e);
        }
    }

    /** Deletes a client by its internal id (compensation). */
    public void deleteClient(String internalId) {
        try {
            realm().clients().get(internalId).remove();
        } catch (RuntimeException e) {
            LOG.errorf("could not delete Keycloak client %s while compensating: %s", internalId, e.getMessage());
        }
    }

    private RoleRepresentation role(String name) {
        return realm().roles().get(name).toRepresentation();
    }

    private RealmResource realm() {
        return keycloak.realm(config.realm());
    }

    private static ProtocolMapperRepresentation mapper(String name, String type, Map<String, String> config) {
        ProtocolMapperRepresentation mapper = new ProtocolMapperRepresentation();
        mapper.setName(name);
        mapper.setProtocol("openid-connect");
        mapper.setProtocolMapper(type);
        mapper.setConfig(config);
        return mapper;
    }

    private static String readError(Response response) {
        try {
            JsonNode body = JSON.readTree(response.readEntity(String.class));
            return body.path("errorMessage").asText(body.path("error").asText("rejected by the password policy"));
        } catch (Exception e) {
            return "rejected by the password policy";
        }
    }

    private static DomainException unavailable(String detail, Throwable cause) {
        if (cause != null) {
            LOG.warnf("Keycloak: %s (%s)", detail, cause.getMessage());
        } else {
            LOG.warn("Keycloak: " + detail);
        }
        return new DomainException(Response.Status.SERVICE_UNAVAILABLE, "identity-provider-unavailable",
                "The identity provider could not complete the request; nothing was registered. Try again.");
    }

    /** A clinic's Keycloak client: its internal id, its service account (the clinic's party id), its secret. */
    public record ClinicClient(String internalId, UUID serviceAccountId, String secret) {
    }

    /** The realm's password policy refused a password; the message is Keycloak's key or text. */
    public static class PasswordRejectedException extends DomainException {
        public PasswordRejectedException(String reason) {
            super(Response.Status.BAD_REQUEST, "validation", "The request has invalid fields.",
                    List.of(new health.ehr.support.rest.Problem.FieldError("password",
                            "does not meet the password policy (" + reason + ")")));
        }
    }
}
