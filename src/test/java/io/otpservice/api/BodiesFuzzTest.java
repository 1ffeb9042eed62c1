package io.otpservice.api;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Request bodies through the service's JSON mapper and RequestValidator: each input is read as a
 * create, a check by id and a check by recipient (see CreateBodyFuzzing and CheckBodyFuzzing for what
 * each outcome must satisfy). One target for all, because Jazzer fuzzes one target per JVM.
 * Seeds: BodiesFuzzTestInputs/body.
 */
class BodiesFuzzTest {

    @FuzzTest
    void body(byte[] data) {
        CreateBodyFuzzing.create(data);
        CheckBodyFuzzing.check(data);
    }
}
