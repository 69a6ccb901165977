package dev.ursa.mesh.matching;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.Json;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConfMergerTest {

    static JsonNode json(String s) {
        try {
            return Json.JSON.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static JsonNode merge(String... confs) {
        return ConfMerger.mergeJson(Arrays.stream(confs).map(ConfMergerTest::json).toList());
    }

    @Test
    void kumaDocsExample() {
        // the example from Kuma's "How policies are combined" documentation
        assertThat(merge(
                "{'conf':1,'sub':{'array':[1,2,3],'other':50,'other-array':[3,4,5]}}",
                "{'sub':{'array':[],'other-array':[5,6],'extra':2}}"))
                .isEqualTo(json("{'conf':1,'sub':{'array':[],'other':50,'other-array':[5,6],'extra':2}}"));
    }

    @Test
    void nullRemovesAField() {
        assertThat(merge("{'a':1,'b':{'c':2,'d':3}}", "{'a':null,'b':{'c':null}}")).isEqualTo(json("{'b':{'d':3}}"));
    }

    @Test
    void appendFieldsConcatenateAtAnyDepth() {
        assertThat(merge("{'appendProfiles':[{'name':'A'}],'x':{'appendRules':[1]}}",
                "{'appendProfiles':[{'name':'B'}],'x':{'appendRules':[2]}}",
                "{'x':{'appendRules':[3]}}"))
                .isEqualTo(json("{'appendProfiles':[{'name':'A'},{'name':'B'}],'x':{'appendRules':[1,2,3]}}"));
        assertThat(ConfMerger.isAppendField("append")).isFalse();
        assertThat(ConfMerger.isAppendField("appendix")).isFalse();
    }

    @Test
    void routeRulesMergeByMatchesWithTheMostSpecificFirst() {
        JsonNode merged = merge(
                "{'rules':[{'matches':[{'path':'/a'}],'default':{'x':1,'y':1}},{'matches':[{'path':'/b'}],'default':{'x':1}}]}",
                "{'rules':[{'matches':[{'path':'/a'}],'default':{'x':2}},{'matches':[{'path':'/c'}],'default':{'x':2}}]}");
        assertThat(merged).isEqualTo(json("{'rules':["
                + "{'matches':[{'path':'/a'}],'default':{'x':2,'y':1}},"
                + "{'matches':[{'path':'/c'}],'default':{'x':2}},"
                + "{'matches':[{'path':'/b'}],'default':{'x':1}}]}"));
    }

    @Test
    void typedMergeBindsToTheConfClassAndSkipsNulls() {
        record Conf(String a, Integer b) {
        }
        ConfMerger.Merged m = ConfMerger.merge(Arrays.asList(new Conf("x", 1), null, new Conf(null, 2)));
        assertThat(m.conf()).isEqualTo(new Conf("x", 2));
        assertThat(ConfMerger.merge(List.of())).isNull();
        assertThat(ConfMerger.merge(List.of(json("{'k':1}"), json("{'k':2}"))).conf()).isEqualTo(json("{'k':2}"));
    }
}
