package dev.ursa.sync;
