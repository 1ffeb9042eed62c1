package io.otpservice.observability;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logmanager.ExtFormatter;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.Logger;
import org.jboss.logmanager.formatters.JsonFormatter;
import org.jboss.logmanager.formatters.StructuredFormatter;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;

/**
 * The request log's lines, written as the configured JSON formatter would write them, without its
 * per-line cost. The formatter runs a JSON generator, copies the MDC and holds a lock for every line:
 * with a line per request that was a fifth of a wrong check's CPU (bench/README.md).
 *
 * <p>At start, each JSON formatter of the log's handlers is asked to format two probe records whose
 * message, thread name and one MDC entry are marker strings. What lies between the markers becomes the
 * template of a request line: the formatter's own member names, order, excluded members, additional
 * fields and record delimiter. A request line then fills in the time (the formatter's own date
 * format), the message, the thread (name and id), the sequence number and its fields. The two probes
 * differ in their time, sequence and thread id; if the template does not reproduce the second probe
 * exactly (another member that varies per line, pretty printing, source locations), or any handler
 * formats otherwise (plain text in dev mode, a handler of another kind), nothing is installed and the
 * request log writes its lines through the MDC as before.
 *
 * <p>A line carries its own fields only, not whatever else a thread's MDC holds: nothing else puts
 * entries there today. An extension that does (tracing ids, read by the GCP format too) needs this
 * path turned off, or its fields added to the line.
 */
@ApplicationScoped
public class RequestLines {

    /** The logger of the request log. */
    public static final String CATEGORY = "otp.request";

    private static final Logger LOGGER = Logger.getLogger(CATEGORY);
    /** The class name the request log's lines always had: JBoss Logging's, which wrote them before. */
    private static final String LOGGER_CLASS = "org.jboss.logging.Logger";
    private static final String MESSAGE = "zq9Mz";
    private static final String THREAD = "zq9Tz";
    private static final String KEY = "zq9Kz";
    private static final String VALUE = "zq9Vz";

    private static volatile boolean active;

    // after the log is configured, before the HTTP server opens
    void install(@Observes @Priority(10) StartupEvent event) {
        activate();
    }

    private static void activate() {
        active = install(LogContext.getLogContext());
        LOGGER.log(Level.FINE, active
                ? "Request log: lines written from the JSON formatters' templates"
                : "Request log: lines formatted one by one (a handler without a JSON template)");
    }

    /** Whether request lines take the template path (else the caller logs through the MDC). */
    public static boolean active() {
        return active;
    }

    /**
     * Writes one request line at INFO: {@code message} and the fields {@code keys[i]} = {@code values[i]}
     * (null values left out), as MDC members of the JSON line.
     */
    public static void write(String message, String[] keys, String[] values) {
        if (LOGGER.isLoggable(Level.INFO)) {
            LOGGER.logRaw(new Line(message, keys, values));
        }
    }

    /**
     * Wraps the formatter of every handler the request log reaches; true when each one formats JSON
     * that a template reproduces. All or nothing: a handler left out would get lines without fields.
     */
    static boolean install(LogContext context) {
        Logger root = context.getLogger("");
        // the category and every parent up to the root: a handler of its own on any of them (a category
        // "otp" with its own handlers) would get the lines too
        for (java.util.logging.Logger logger = context.getLogger(CATEGORY); logger != null && !logger.getName().isEmpty();
             logger = logger.getParent()) {
            if (logger.getHandlers().length > 0 || !logger.getUseParentHandlers()) {
                return false;
            }
        }
        List<ExtHandler> leaves = new ArrayList<>();
        if (!collect(root.getHandlers(), leaves) || leaves.isEmpty()) {
            return false;
        }
        Map<ExtHandler, Fast> wraps = new LinkedHashMap<>();
        for (ExtHandler handler : leaves) {
            Formatter formatter = handler.getFormatter();
            if (formatter instanceof Fast) {
                continue; // wrapped by an earlier start in the same JVM
            }
            if (!(formatter instanceof StructuredFormatter structured)) {
                return false;
            }
            Optional<Template> template = Template.of(structured);
            if (template.isEmpty()) {
                return false;
            }
            wraps.put(handler, new Fast(structured, template.get()));
        }
        wraps.forEach(ExtHandler::setFormatter);
        return true;
    }

    /** The handlers that format, below the delegating ones; false when one is not an ExtHandler. */
    private static boolean collect(Handler[] handlers, List<ExtHandler> leaves) {
        for (Handler handler : handlers) {
            if (!(handler instanceof ExtHandler ext)) {
                return false;
            }
            Handler[] nested = ext.getHandlers();
            if (nested.length > 0) {
                if (!collect(nested, leaves)) {
                    return false;
                }
            } else {
                leaves.add(ext);
            }
        }
        return true;
    }

    /** A request line: the message and its fields, kept apart from the MDC. */
    static final class Line extends ExtLogRecord {
        private static final long serialVersionUID = 1L;
        final String[] keys;
        final String[] values;

        Line(String message, String[] keys, String[] values) {
            super(Level.INFO, message, FormatStyle.NO_FORMAT, LOGGER_CLASS);
            this.keys = keys;
            this.values = values;
        }
    }

    /** The handler's formatter, except for request lines, which its template writes. */
    static final class Fast extends ExtFormatter {
        private final StructuredFormatter delegate;
        private final Template template;

        Fast(StructuredFormatter delegate, Template template) {
            this.delegate = delegate;
            this.template = template;
        }

        @Override
        public String format(ExtLogRecord record) {
            return record instanceof Line line ? template.render(line) : delegate.format(record);
        }

        @Override
        public boolean isCallerCalculationRequired() {
            return delegate.isCallerCalculationRequired();
        }

        @Override
        public String getHead(Handler h) {
            return delegate.getHead(h);
        }

        @Override
        public String getTail(Handler h) {
            return delegate.getTail(h);
        }
    }

    /** The formatter's output cut at the time, the message, the thread name and the MDC entries. */
    record Template(String[] literals, Slot[] slots, String pairSeparator, DateTimeFormatter time) {

        enum Slot { TIME, MESSAGE, THREAD, FIELDS, SEQUENCE, THREAD_ID }

        /** Numbers of the first probe, for members that formatters may print (sequence, thread id). */
        private static final long SEQUENCE_MARK = 987_654_321_012L;
        private static final int THREAD_ID_MARK = 1_987_654_321;

        static Optional<Template> of(StructuredFormatter formatter) {
            if (formatter.isCallerCalculationRequired()
                    || formatter instanceof JsonFormatter json && json.isPrettyPrint()) {
                return Optional.empty();
            }
            DateTimeFormatter time = formatter.getDateTimeFormatter();
            Instant first = Instant.ofEpochSecond(1_000_000_000L, 123_456_000);
            Instant second = Instant.ofEpochSecond(1_700_000_000L, 987_000_000);
            Optional<Template> template = cut(formatter.format(probe(first, SEQUENCE_MARK, THREAD_ID_MARK)),
                    time.format(first), time);
            if (template.isEmpty()) {
                return template;
            }
            Line check = new Line(MESSAGE, new String[] {KEY}, new String[] {VALUE});
            check.setInstant(second);
            check.setThreadName(THREAD);
            check.setSequenceNumber(2);
            check.setLongThreadID(3);
            String expected = formatter.format(probe(second, 2, 3));
            return template.get().render(check).equals(expected) ? template : Optional.empty();
        }

        private static ExtLogRecord probe(Instant at, long sequence, int threadId) {
            ExtLogRecord record = new ExtLogRecord(Level.INFO, MESSAGE, ExtLogRecord.FormatStyle.NO_FORMAT, LOGGER_CLASS);
            record.setLoggerName(CATEGORY);
            record.setInstant(at);
            record.setSequenceNumber(sequence);
            record.setLongThreadID(threadId);
            record.setThreadName(THREAD);
            record.setMdc(Map.of(KEY, VALUE));
            return record;
        }

        /** Cuts {@code out} at each marker, each expected once; empty when one is missing or repeated. */
        private static Optional<Template> cut(String out, String stamp, DateTimeFormatter time) {
            String[] markers = {stamp, MESSAGE, THREAD, Long.toString(SEQUENCE_MARK), Integer.toString(THREAD_ID_MARK)};
            Slot[] kinds = {Slot.TIME, Slot.MESSAGE, Slot.THREAD, Slot.SEQUENCE, Slot.THREAD_ID};
            List<int[]> spans = new ArrayList<>(); // start, end, slot
            for (int i = 0; i < markers.length; i++) {
                int at = once(out, markers[i]);
                if (at >= 0) {
                    spans.add(new int[] {at, at + markers[i].length(), i});
                } else if (i < 3) {
                    return Optional.empty(); // the numbers may be excluded; the rest is the line
                }
            }
            int key = once(out, '"' + KEY + '"');
            int value = once(out, '"' + VALUE + '"');
            if (key < 0 || value < key) {
                return Optional.empty();
            }
            String separator = out.substring(key + KEY.length() + 2, value);
            spans.add(new int[] {key, value + VALUE.length() + 2, -1});
            spans.sort((a, b) -> Integer.compare(a[0], b[0]));
            String[] literals = new String[spans.size() + 1];
            Slot[] slots = new Slot[spans.size()];
            int from = 0;
            for (int i = 0; i < spans.size(); i++) {
                int[] span = spans.get(i);
                if (span[0] < from) {
                    return Optional.empty(); // overlapping markers
                }
                literals[i] = out.substring(from, span[0]);
                slots[i] = span[2] < 0 ? Slot.FIELDS : kinds[span[2]];
                from = span[1];
            }
            literals[spans.size()] = out.substring(from);
            return Optional.of(new Template(literals, slots, separator, time));
        }

        private static int once(String text, String marker) {
            int at = text.indexOf(marker);
            return at >= 0 && text.indexOf(marker, at + 1) < 0 ? at : -1;
        }

        String render(Line line) {
            // sized for the whole line: growing the builder copied it, twice per line (allocation profile)
            int size = 64 + line.getMessage().length() + line.getThreadName().length();
            for (String literal : literals) {
                size += literal.length();
            }
            for (int i = 0; i < line.keys.length; i++) {
                size += line.values[i] == null ? 0 : line.keys[i].length() + line.values[i].length() + 6;
            }
            StringBuilder out = new StringBuilder(size);
            for (int i = 0; i < slots.length; i++) {
                out.append(literals[i]);
                switch (slots[i]) {
                    case TIME -> out.append(time.format(line.getInstant()));
                    case MESSAGE -> escape(out, line.getMessage());
                    case THREAD -> escape(out, line.getThreadName());
                    case FIELDS -> fields(out, line);
                    case SEQUENCE -> out.append(line.getSequenceNumber());
                    case THREAD_ID -> out.append(line.getThreadID());
                }
            }
            return out.append(literals[slots.length]).toString();
        }

        private void fields(StringBuilder out, Line line) {
            boolean first = true;
            for (int i = 0; i < line.keys.length; i++) {
                String value = line.values[i];
                if (value == null) {
                    continue;
                }
                if (!first) {
                    out.append(',');
                }
                first = false;
                escape(out.append('"'), line.keys[i]).append('"').append(pairSeparator).append('"');
                escape(out, value).append('"');
            }
        }

        /** A JSON string's content: as it is when nothing needs escaping (nearly always), else Jackson's escape. */
        static StringBuilder escape(StringBuilder out, String text) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < 0x20 || c == '"' || c == '\\') {
                    JsonStringEncoder.getInstance().quoteAsString(text, out);
                    return out;
                }
            }
            return out.append(text);
        }
    }
}
