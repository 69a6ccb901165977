package dev.ursa.cp.api;

import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.model.ResourceSpec;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.validation.SpecValidator;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@code GET /_resources} describes a type Kuma 2.14 does not have (the API tests check the ones it has against
 * Kuma's own list): names from the type's name, targetRef sections from its spec, federation from its owner.
 */
class ResourceTypeDescriptionTest {
    record MeshFooSpec(Object targetRef, List<Object> to, List<Object> from) implements ResourceSpec {
    }

    @Test
    void aPolicyTypeKumaDoesNotHaveIsDescribedFromItsDeclaration() {
        PolicyType foo = PolicyType.of("MeshFooBar", "meshfoobars", 999, Owner.GLOBAL, MeshFooSpec.class, SpecValidator.none());
        ResourceTypeDescription d = ResourceTypeDescription.of(foo.type(), false, false);
        assertThat(d).isEqualTo(new ResourceTypeDescription(true, "MeshFooBar", "meshfoobars", "Mesh Foo Bars",
                new ResourceTypeDescription.Policy(true, false, true, false, true), false, "Mesh", "", "Mesh Foo Bar"));
    }

    @Test
    void ursasOwnComputedTypeIsNotFederated() {
        ResourceTypeDescription d = ResourceTypeDescription.of(ResourceTypes.TOKEN_TRUST, true, true);
        assertThat(d).isEqualTo(new ResourceTypeDescription(false, "TokenTrust", "tokentrusts", "Token Trusts", null, true,
                "Global", "", "Token Trust"));
    }

    @Test
    void displayNamesAsKumaWritesThem() {
        assertThat(ResourceTypeDescription.words("MeshHTTPRoute")).isEqualTo("Mesh HTTP Route");
        assertThat(ResourceTypeDescription.words("MeshTLS")).isEqualTo("Mesh TLS");
        assertThat(ResourceTypeDescription.words("MeshLoadBalancingStrategy")).isEqualTo("Mesh Load Balancing Strategy");
        assertThat(ResourceTypeDescription.pluralOf("Mesh TLS")).isEqualTo("Mesh TLSes");
        assertThat(ResourceTypeDescription.pluralOf("Mesh Retry")).isEqualTo("Mesh Retries");
        assertThat(ResourceTypeDescription.pluralOf("Mesh Proxy Patch")).isEqualTo("Mesh Proxy Patches");
        assertThat(ResourceTypeDescription.pluralOf("Mesh Passthrough")).isEqualTo("Mesh Passthroughs");
    }
}
