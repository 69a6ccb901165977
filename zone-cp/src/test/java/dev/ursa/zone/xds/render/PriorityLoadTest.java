package dev.ursa.zone.xds.render;

import dev.ursa.zone.xds.render.PriorityLoad.Hosts;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Envoy's priority load, as documented in its "Priority levels" and "Overprovisioning factor" pages. */
class PriorityLoadTest {
    @Test
    void healthyFirstPriorityTakesEverything() {
        assertThat(PriorityLoad.of(List.of(new Hosts(3, 3), new Hosts(1, 1)), 140)).containsExactly(100, 0);
    }

    @Test
    void seventyPercentThresholdWithOneOfThreeLost() {
        // factor 143 (= 100/0.7): 143 * 2/3 = 95 → 95% stays, 5% spills to the next priority
        assertThat(PriorityLoad.of(List.of(new Hosts(2, 3), new Hosts(1, 1)), 143)).containsExactly(95, 5);
    }

    @Test
    void defaultFactorKeepsAllTrafficUntilBelowAboutSeventyTwoPercent() {
        assertThat(PriorityLoad.of(List.of(new Hosts(3, 4), new Hosts(1, 1)), 140)).containsExactly(100, 0);
        assertThat(PriorityLoad.of(List.of(new Hosts(2, 4), new Hosts(1, 1)), 140)).containsExactly(70, 30);
    }

    @Test
    void cascadesThroughSeveralPriorities() {
        // P0 40%, P1 (2 of 4 at 140%) 70% of what is left is capped by the remaining 60%
        assertThat(PriorityLoad.of(List.of(new Hosts(1, 5), new Hosts(2, 4), new Hosts(1, 1)), 200)).containsExactly(40, 60, 0);
    }

    @Test
    void scalesUpWhenHealthSumsBelowHundred() {
        // 28 + 28 = 56 → normalised to 50/50
        assertThat(PriorityLoad.of(List.of(new Hosts(1, 5), new Hosts(1, 5)), 140)).containsExactly(50, 50);
    }

    @Test
    void nothingHealthyPanicsToTheFirstPriority() {
        assertThat(PriorityLoad.of(List.of(new Hosts(0, 2), new Hosts(0, 1)), 140)).containsExactly(100, 0);
    }
}
