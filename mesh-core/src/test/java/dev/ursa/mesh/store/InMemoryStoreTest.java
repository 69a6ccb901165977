package dev.ursa.mesh.store;

class InMemoryStoreTest extends StoreContract {
    private InMemoryStore store = new InMemoryStore();

    @Override
    protected ResourceStore store() {
        return store;
    }

    @Override
    protected void reset() {
        store = new InMemoryStore();
    }
}
