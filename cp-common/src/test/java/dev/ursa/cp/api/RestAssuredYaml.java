package dev.ursa.cp.api;

import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

/**
 * REST Assured as every test of the admin API uses it: YAML bodies sent as they are (it only knows how to encode JSON
 * and text by default), and a 500 from any call fails the test that made it, whatever that test asserts: no request may
 * ever get one ({@link RestCallsGuardTest} checks every test that calls the API goes through here).
 */
public final class RestAssuredYaml {
    private static final Filter NO_500 = new No500();
    /**
     * Sent by the one kind of call allowed a 500: reading a resource whose stored row the test corrupted on purpose
     * (the API's deliberate "Stored resource unreadable" data error). Any other 500 still fails the test.
     */
    public static final String EXPECT_UNREADABLE_ROW = "X-Ursa-Test-Expects";

    private RestAssuredYaml() {
    }

    public static void enable() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
        RestAssured.config = RestAssured.config().encoderConfig(EncoderConfig.encoderConfig()
                .encodeContentTypeAs("application/yaml", ContentType.TEXT)
                .appendDefaultContentCharsetToContentTypeIfUndefined(false));
        if (!RestAssured.filters().contains(NO_500)) RestAssured.filters(NO_500);
    }

    private static final class No500 implements Filter {
        @Override
        public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response, FilterContext ctx) {
            Response r = ctx.next(request, response);
            boolean deliberate = "unreadable-row".equals(request.getHeaders().getValue(EXPECT_UNREADABLE_ROW))
                    && r.asString().contains("\"Stored resource unreadable\"");
            if (r.statusCode() == 500 && !deliberate) {
                throw new AssertionError(request.getMethod() + " " + request.getURI() + " answered 500: " + r.asString());
            }
            return r;
        }
    }
}
