package health.ehr.identity.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.ehr.support.testing.LocalStack;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Registration through the API against the real Keycloak and MariaDB of the local stack. */
@QuarkusTest
class RegistrationResourceTest {

    static Map<String, Object> patient(String email) {
        return Map.of("email", email, "password", "Correct-Horse-9", "givenName", "Ada", "familyName", "Lovelace",
                "birthDate", "1990-12-10");
    }

    static String uniqueEmail(String who) {
        return who + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test";
    }

    @Test
    void aPatientRegistersAndSignsInAsThatPatient() {
        String email = uniqueEmail("patient");

        Response created = given().contentType(ContentType.JSON).body(patient(email))
                .when().post("/api/identity/patients")
                .then().statusCode(201)
                .body("email", equalTo(email))
                .body("givenName", equalTo("Ada"))
                .body("chainId", matchesPattern("0x[0-9a-f]{64}"))
                .body("controllerAddress", matchesPattern("0x[0-9a-f]{40}"))
                .extract().response();
        String patientId = created.path("patientId");

        String token = LocalStack.userToken(email, "Correct-Horse-9");
        given().auth().oauth2(token).when().get("/api/identity/me")
                .then().statusCode(200)
                .body("role", equalTo("patient"))
                .body("patientId", equalTo(patientId))
                .body("familyName", equalTo("Lovelace"));
        given().auth().oauth2(token).when().get("/api/identity/patients/" + patientId)
                .then().statusCode(200)
                .body("birthDate", equalTo("1990-12-10"))
                .body("chainId", equalTo(created.path("chainId")));
    }

    @Test
    void aTakenEmailIs409() {
        String email = uniqueEmail("twice");
        given().contentType(ContentType.JSON).body(patient(email)).post("/api/identity/patients")
                .then().statusCode(201);

        given().contentType(ContentType.JSON).body(patient(email.toUpperCase()))
                .when().post("/api/identity/patients")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("detail", equalTo("An account with this e-mail already exists."));
    }

    @Test
    void badFieldsAreNamedInA400Problem() {
        given().contentType(ContentType.JSON)
                .body(Map.of("email", "not-an-email", "password", "x".repeat(200), "givenName", "",
                        "birthDate", "2999-01-01"))
                .when().post("/api/identity/patients")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItems("email", "password", "givenName", "familyName", "birthDate"));
    }

    @Test
    void aWeakPasswordIsRefusedByThePasswordPolicy() {
        Map<String, Object> body = new java.util.HashMap<>(patient(uniqueEmail("weak")));
        body.put("password", "short");

        given().contentType(ContentType.JSON).body(body)
                .when().post("/api/identity/patients")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("password"));
    }

    @Test
    void malformedBodiesAndWrongMediaTypesAreProblems() {
        given().contentType(ContentType.JSON).body("{\"email\": ")
                .when().post("/api/identity/patients")
                .then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("{\"birthDate\": \"yesterday\"}")
                .when().post("/api/identity/patients")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("birthDate"));
        // A number is not an ISO-8601 date (Jackson would read it as days since 1970).
        given().contentType(ContentType.JSON).body("{\"birthDate\": 12345}")
                .when().post("/api/identity/patients")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("birthDate"));
        given().contentType(ContentType.TEXT).body("hello")
                .when().post("/api/identity/patients")
                .then().statusCode(415).contentType("application/problem+json");
    }

    @Test
    void onlyAnAdministratorRegistersPractitionersAndTheDirectoryFindsThem() {
        String specialty = "Cardiology-" + UUID.randomUUID().toString().substring(0, 6);
        Map<String, Object> body = Map.of("email", uniqueEmail("doctor"), "password", "Correct-Horse-9",
                "givenName", "Grace", "familyName", "Hopper", "licenseNumber", "LIC-1", "specialty", specialty,
                "organization", "General Hospital");
        given().contentType(ContentType.JSON).body(body).when().post("/api/identity/practitioners")
                .then().statusCode(401);
        String patientEmail = uniqueEmail("nosy");
        given().contentType(ContentType.JSON).body(patient(patientEmail)).post("/api/identity/patients");
        given().auth().oauth2(LocalStack.userToken(patientEmail, "Correct-Horse-9"))
                .contentType(ContentType.JSON).body(body).when().post("/api/identity/practitioners")
                .then().statusCode(403).contentType("application/problem+json");

        String admin = LocalStack.userToken(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD);
        String id = given().auth().oauth2(admin).contentType(ContentType.JSON).body(body)
                .when().post("/api/identity/practitioners")
                .then().statusCode(201).body("practitionerId", notNullValue())
                .extract().path("practitionerId");

        given().auth().oauth2(LocalStack.userToken(patientEmail, "Correct-Horse-9"))
                .queryParam("query", specialty.toLowerCase())
                .when().get("/api/identity/practitioners")
                .then().statusCode(200)
                .body("total", equalTo(1))
                .body("items[0].practitionerId", equalTo(id))
                .body("items[0].organization", equalTo("General Hospital"));
        given().auth().oauth2(admin).queryParam("size", 500).when().get("/api/identity/practitioners")
                .then().statusCode(400).body("errors.field", hasItem("size"));
    }

    @Test
    void aClinicGetsClientCredentialsThatSignInAsThatClinic() {
        String admin = LocalStack.userToken(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD);

        Response clinic = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("name", "Northside Clinic", "contactEmail", "it@northside.example.test"))
                .when().post("/api/identity/clinics")
                .then().statusCode(201)
                .body("clientId", matchesPattern("clinic-northside-clinic-[0-9a-f]{8}"))
                .body("clientSecret", notNullValue())
                .extract().response();

        String token = LocalStack.clientToken(clinic.path("clientId"), clinic.path("clientSecret"));
        given().auth().oauth2(token).when().get("/api/identity/me")
                .then().statusCode(200)
                .body("role", equalTo("clinic"))
                .body("clinicId", equalTo(clinic.path("clinicId")));
    }

    @Test
    void aPatientProfileIsHiddenFromOtherPatientsButShownToAdministrators() {
        String owner = uniqueEmail("owner");
        String other = uniqueEmail("other");
        String ownerId = given().contentType(ContentType.JSON).body(patient(owner)).post("/api/identity/patients")
                .then().statusCode(201).extract().path("patientId");
        given().contentType(ContentType.JSON).body(patient(other)).post("/api/identity/patients")
                .then().statusCode(201);

        given().auth().oauth2(LocalStack.userToken(other, "Correct-Horse-9"))
                .when().get("/api/identity/patients/" + ownerId)
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(LocalStack.userToken(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD))
                .when().get("/api/identity/patients/" + ownerId)
                .then().statusCode(200).body("email", equalTo(owner));
        given().auth().oauth2(LocalStack.userToken(other, "Correct-Horse-9"))
                .when().get("/api/identity/patients/not-a-uuid")
                .then().statusCode(404);
        assertEquals(36, ownerId.length());
    }
}
