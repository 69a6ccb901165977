package dev.ursa.cp.api;

import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.http.ContentType;

/** Lets REST Assured send YAML bodies as they are (it only knows how to encode JSON and text by default). */
public final class RestAssuredYaml {
    private RestAssuredYaml() {
    }

    public static void enable() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
        RestAssured.config = RestAssured.config().encoderConfig(EncoderConfig.encoderConfig()
                .encodeContentTypeAs("application/yaml", ContentType.TEXT)
                .appendDefaultContentCharsetToContentTypeIfUndefined(false));
    }
}
