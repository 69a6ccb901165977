package dev.ursa.agent;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One agent per directory: two would race on {@code current}. An OS file lock on {@code <dir>/.lock}, released by the
 * kernel when the process dies however it dies, so a killed agent never blocks its successor.
 */
final class AgentLock implements AutoCloseable {
    static final String FILE = ".lock";
    private final FileChannel channel;
    private final FileLock lock;

    private AgentLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static AgentLock acquire(Path dir) throws AgentException {
        Path file = dir.resolve(FILE);
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null; // held by this JVM already
            }
            if (lock == null) {
                channel.close();
                throw new AgentException(ExitCodes.FAILED, "another ursa-agent is using " + dir + " (" + file + " is locked)");
            }
            return new AgentLock(channel, lock);
        } catch (IOException e) {
            throw new AgentException(ExitCodes.FAILED, "cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the process ends or the next agent finds the lock free anyway
        }
    }
}
