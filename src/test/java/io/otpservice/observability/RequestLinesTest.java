package io.otpservice.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.otpservice.observability.RequestLines.Line;
import io.otpservice.observability.RequestLines.Template;
import io.quarkus.logging.json.runtime.AdditionalField;
import io.quarkus.logging.json.runtime.JsonFormatter;
import io.quarkus.logging.json.runtime.JsonLogConfig;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.Logger;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.formatters.StructuredFormatter;
import org.jboss.logmanager.handlers.WriterHandler;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request line written from the template is the line the JSON formatter writes for the same record
 * with the fields in its MDC, whatever the formatter's settings; where a template cannot say so, none
 * is used.
 */
class RequestLinesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] KEYS = {"api", "op", "outcome", "status", "durationMs", "id", "to"};
    /** Quotes, backslashes, control characters, non-ASCII and a masked recipient. */
    private static final List<String[]> LINES = List.of(
            new String[] {null, "create", "created", "201", "3.114", "VE" + "0".repeat(32), "+1•••••••0100"},
            new String[] {"v2", "check", "approved", "200", "0.871", null, "j•••@exämple.com"},
            new String[] {null, "other", "say \"hi\" \\ now\n\ttab\u0001\u001f", "400", "-1.000", null, null});

    private static JsonFormatter production() {
        JsonFormatter formatter = new JsonFormatter();
        formatter.setExcludedKeys(Set.of("sequence", "loggerClassName", "ndc", "processName", "processId", "threadId"));
        return formatter;
    }

    @Test
    void theTemplateWritesWhatTheFormatterWrites() throws Exception {
        JsonFormatter renamed = new JsonFormatter("TIMESTAMP=@timestamp,MDC=context,THREAD_NAME=thread");
        renamed.setDateFormat("yyyy-MM-dd HH:mm:ss.SSS");
        renamed.setZoneId("Europe/Paris");
        renamed.setAdditionalFields(Map.of("service", new AdditionalField("otp", JsonLogConfig.AdditionalFieldConfig.Type.STRING),
                "replicas", new AdditionalField("3", JsonLogConfig.AdditionalFieldConfig.Type.INT)));
        JsonFormatter ecs = new JsonFormatter();
        ecs.setLogFormat(JsonLogConfig.JsonConfig.LogFormat.ECS);
        for (StructuredFormatter formatter : List.of(production(), new JsonFormatter(),
                new org.jboss.logmanager.formatters.JsonFormatter(), renamed, ecs)) {
            Template template = Template.of(formatter).orElseThrow();
            for (String[] values : LINES) {
                Line line = new Line("a message \"quoted\" é", KEYS, values);
                line.setLoggerName(RequestLines.CATEGORY);
                line.setInstant(Instant.parse("2026-12-01T23:45:06.789012Z"));
                String fast = template.render(line);
                assertThat(JSON.readTree(fast)).as(fast).isEqualTo(JSON.readTree(formatter.format(withMdc(line))));
                assertThat(fast).endsWith("\n").doesNotContain("zq9");
            }
        }
    }

    @Test
    void noTemplateWhereTheOutputIsNotOneLinePerRecordOrNeedsTheCaller() {
        org.jboss.logmanager.formatters.JsonFormatter pretty = new org.jboss.logmanager.formatters.JsonFormatter();
        pretty.setPrettyPrint(true);
        JsonFormatter details = production();
        details.setPrintDetails(true);
        JsonFormatter noMdc = production();
        noMdc.setExcludedKeys(Set.of("mdc"));
        assertThat(Template.of(pretty)).isEmpty();
        assertThat(Template.of(details)).isEmpty();
        assertThat(Template.of(noMdc)).isEmpty();
    }

    @Test
    void installedOnlyWhenEveryHandlerFormatsJson() {
        LogContext context = LogContext.create();
        StringWriter out = new StringWriter();
        WriterHandler json = handler(out, production());
        context.getLogger("").addHandler(json);
        assertThat(RequestLines.install(context)).isTrue();

        Logger logger = context.getLogger(RequestLines.CATEGORY);
        logger.logRaw(new Line("read VE1 -> not-found 404 in 0.2 ms", KEYS,
                new String[] {null, "read", "not-found", "404", "0.200", null, null}));
        logger.info("an ordinary line");
        json.flush();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("\"mdc\":{\"op\":\"read\",\"outcome\":\"not-found\",\"status\":\"404\",\"durationMs\":\"0.200\"}")
                .contains("\"message\":\"read VE1 -> not-found 404 in 0.2 ms\"").contains("\"loggerName\":\"otp.request\"");
        assertThat(lines.get(1)).contains("\"message\":\"an ordinary line\"");

        LogContext mixed = LogContext.create();
        JsonFormatter formatter = production();
        mixed.getLogger("").addHandler(handler(new StringWriter(), formatter));
        mixed.getLogger("").addHandler(handler(new StringWriter(), new PatternFormatter("%s%n")));
        assertThat(RequestLines.install(mixed)).isFalse();
        assertThat(mixed.getLogger("").getHandlers()[0].getFormatter()).isSameAs(formatter);

        LogContext parentHandler = LogContext.create();
        JsonFormatter rootFormatter = production();
        parentHandler.getLogger("").addHandler(handler(new StringWriter(), rootFormatter));
        parentHandler.getLogger("otp").addHandler(handler(new StringWriter(), new PatternFormatter("%X{op} %s%n")));
        assertThat(RequestLines.install(parentHandler)).as("a handler of the parent category").isFalse();
        assertThat(parentHandler.getLogger("").getHandlers()[0].getFormatter()).isSameAs(rootFormatter);

        assertThat(RequestLines.install(context)).as("installed again in the same context").isTrue();
        assertThat(context.getLogger("").getHandlers()[0].getFormatter()).isInstanceOf(RequestLines.Fast.class)
                .extracting(f -> ((RequestLines.Fast) f).format(new Line("m", KEYS, new String[7]))).asString()
                .startsWith("{");
    }

    private static WriterHandler handler(StringWriter out, java.util.logging.Formatter formatter) {
        WriterHandler handler = new WriterHandler();
        handler.setWriter(out);
        handler.setFormatter(formatter);
        handler.setLevel(Level.ALL);
        return handler;
    }

    /** The same record as the slow path logs it: the fields in its MDC. */
    private static ExtLogRecord withMdc(Line line) {
        // as org.jboss.logging.Logger.info(message) made it before
        ExtLogRecord record = new ExtLogRecord(Level.INFO, line.getMessage(), ExtLogRecord.FormatStyle.NO_FORMAT,
                "org.jboss.logging.Logger");
        record.setLoggerName(line.getLoggerName());
        record.setInstant(line.getInstant());
        record.setThreadName(line.getThreadName());
        record.setSequenceNumber(line.getSequenceNumber());
        record.setLongThreadID(line.getLongThreadID());
        Map<String, String> mdc = new HashMap<>();
        for (int i = 0; i < line.keys.length; i++) {
            if (line.values[i] != null) {
                mdc.put(line.keys[i], line.values[i]);
            }
        }
        record.setMdc(mdc);
        return record;
    }
}
