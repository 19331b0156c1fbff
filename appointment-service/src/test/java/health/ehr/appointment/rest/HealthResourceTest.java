package health.ehr.appointment.rest;

import health.ehr.support.testing.ServiceBasicsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class HealthResourceTest extends ServiceBasicsContract {

    @Override
    protected String apiTitle() {
        return "EHR Appointment API";
    }

    @Override
    protected String apiArea() {
        return "/api/appointments";
    }
}
