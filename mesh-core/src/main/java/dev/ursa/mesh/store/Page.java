package dev.ursa.mesh.store;

import dev.ursa.mesh.model.Resource;

import java.util.List;

/** One page of a listing and the total number of matches. */
public record Page(List<Resource> items, long total) {
    public Page {
        items = List.copyOf(items);
    }
}
