/** Zone ingress data plane (built out by the cross-zone issue). */
package dev.ursa.ingress;
