package dev.ursa.cp.api.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class AccessRulesTest {
    @ParameterizedTest
    @CsvSource({
            "GET, /q/health, OPEN", "HEAD, /q/health/ready, OPEN", "GET, /q/health/live, OPEN", "GET, /q/health/started, OPEN",
            "GET, /q/health/ready/, OPEN", "GET, /q/health;x=1/ready, OPEN",
            "GET, /q/health/group, READ", "GET, /q/health/wellness, READ", "OPTIONS, /q/health, READ", "GET, /q/metrics, READ",
            "GET, /q/openapi, READ", "GET, /, READ", "GET, /meshes, READ", "GET, /meshes/default/meshtimeouts/t1, READ",
            "GET, /zones/_overview, READ", "GET, /events, READ", "GET, /who-am-i, READ",
            "GET, /meshes/default/dataplanes/dp-1/_config, READ", "OPTIONS, /meshes, READ",
            "PUT, /meshes/default, ADMIN", "DELETE, /zones/z1, ADMIN", "POST, /tokens/zone, ADMIN", "PATCH, /meshes/m, ADMIN",
            "POST, /q/health, ADMIN",
            // the GUI's static files (no data) are open; what the GUI shows comes from the API with the user's credentials
            "GET, /gui, OPEN", "GET, /gui/, OPEN", "GET, /gui/gui.js, OPEN", "HEAD, /gui/index.html, OPEN", "GET, /gui/a/b, READ",
            "PUT, /gui/gui.js, ADMIN", "OPTIONS, /gui, READ", "GET, /guix, READ",
            "GET, /tokens/user, ADMIN", "GET, /tokens, ADMIN", "GET, /TOKENS/user, ADMIN", "GET, //tokens//user/, ADMIN",
            "GET, /tokens;a=b/user, ADMIN", "GET, /kds/ca.pem, ADMIN", "HEAD, /kds/ca.pem, ADMIN", "GET, /kds, ADMIN",
            "GET, /global-secrets, ADMIN", "GET, /global-secrets/s1, ADMIN",
            // mesh Secrets: read by readonly callers with their data redacted (ResourceApi); written by admins only
            "GET, /secrets, READ", "GET, /meshes/default/secrets, READ", "GET, /meshes/default/secrets/s1, READ",
            "PUT, /meshes/default/secrets/s1, ADMIN", "DELETE, /meshes/default/secrets/s1, ADMIN", "GET, /tokensx, READ", "GET, /meshes/secrets, READ"
    })
    void eachRequestNeedsItsAccess(String method, String path, Access expected) {
        assertThat(AccessRules.required(method, path)).isEqualTo(expected);
    }

    @Test
    void readNeedsAKnownGroupAndAdminNeedsTheAdminGroup() {
        Caller admin = new Caller("a", List.of(Groups.ADMIN), Optional.empty());
        Caller readonly = new Caller("r", List.of(Groups.READONLY), Optional.empty());
        Caller none = new Caller("n", List.of(), Optional.empty());
        assertThat(Access.READ.allows(admin)).isTrue();
        assertThat(Access.READ.allows(readonly)).isTrue();
        assertThat(Access.READ.allows(none)).isFalse();
        assertThat(Access.ADMIN.allows(admin)).isTrue();
        assertThat(Access.ADMIN.allows(readonly)).isFalse();
        assertThat(Access.OPEN.allows(Caller.ANONYMOUS)).isTrue();
        assertThat(Access.READ.allows(Caller.ANONYMOUS)).isFalse();
        assertThat(Access.ADMIN.allows(Caller.LOCALHOST)).isTrue();
    }
}
