package io.otpservice.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The subset of {@code kustomize build} the manifests use: resources (files and directories),
 * namespace, labels (without selectors), images, strategic-merge patches addressed by kind and
 * name, and ConfigMap/Secret generators from literals with kustomize's name hash. Any other
 * field fails the build, so the manifests cannot drift into what this class cannot render.
 */
public final class Kustomize {

    private static final Set<String> FIELDS = Set.of("apiVersion", "kind", "resources", "namespace", "labels",
            "images", "patches", "configMapGenerator", "secretGenerator", "generatorOptions", "components");
    private static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "PersistentVolume", "StorageClass", "PriorityClass");
    /** Kinds whose lists merge by key in a strategic merge patch; lists of custom resources are replaced. */
    private static final Set<String> BUILT_IN = Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job",
            "Service", "ConfigMap", "Secret", "ServiceAccount", "HorizontalPodAutoscaler", "PodDisruptionBudget",
            "NetworkPolicy");
    /** List fields of the Kubernetes API with a patch merge key, by path suffix. */
    private static final Map<String, String> MERGE_KEYS = Map.of(
            "/containers", "name",
            "/initContainers", "name",
            "/env", "name",
            "/volumes", "name",
            "/volumeMounts", "mountPath",
            "/containers[]/ports", "containerPort",
            "/imagePullSecrets", "name",
            "/topologySpreadConstraints", "topologyKey",
            "/spec/ports", "port");

    private Kustomize() {
    }

    public static List<Map<String, Object>> build(Path dir) throws IOException {
        Map<String, Object> k = map(loadYaml(kustomizationFile(dir)).getFirst());
        Set<String> unknown = new TreeSet<>(k.keySet());
        unknown.removeAll(FIELDS);
        if (!unknown.isEmpty()) {
            throw new UnsupportedOperationException(dir + ": the test's renderer does not implement " + unknown);
        }

        List<Map<String, Object>> resources = new ArrayList<>();
        for (Object entry : list(k.get("resources"))) {
            Path path = dir.resolve(str(entry)).normalize();
            if (Files.isDirectory(path)) {
                resources.addAll(build(path));
            } else {
                loadYaml(path).forEach(doc -> resources.add(map(doc)));
            }
        }

        // a Component (kind: Component) that only lists resources adds them, as kustomize does
        for (Object entry : list(k.get("components"))) {
            Path path = dir.resolve(str(entry)).normalize();
            Map<String, Object> component = map(loadYaml(kustomizationFile(path)).getFirst());
            if (!"Component".equals(component.get("kind")) || !Set.of("apiVersion", "kind", "resources")
                    .containsAll(component.keySet())) {
                throw new UnsupportedOperationException(path + ": only components of resources are implemented");
            }
            for (Object resource : list(component.get("resources"))) {
                loadYaml(path.resolve(str(resource))).forEach(doc -> resources.add(map(doc)));
            }
        }

        boolean hashByDefault = !Boolean.TRUE.equals(map(k.get("generatorOptions")).get("disableNameSuffixHash"));
        Set<String> generatorOptions = new TreeSet<>(map(k.get("generatorOptions")).keySet());
        generatorOptions.remove("disableNameSuffixHash");
        if (!generatorOptions.isEmpty()) {
            throw new UnsupportedOperationException(dir + ": generatorOptions " + generatorOptions);
        }
        List<Map<String, Object>> toHash = new ArrayList<>();
        for (String kind : List.of("ConfigMap", "Secret")) {
            String field = kind.equals("ConfigMap") ? "configMapGenerator" : "secretGenerator";
            for (Object spec : list(k.get(field))) {
                Map<String, Object> generated = generate(kind, map(spec), dir);
                resources.add(generated);
                Object disable = map(map(spec).get("options")).get("disableNameSuffixHash");
                if (disable == null ? hashByDefault : !Boolean.TRUE.equals(disable)) {
                    toHash.add(generated);
                }
            }
        }

        for (Object patch : list(k.get("patches"))) {
            applyPatch(resources, map(patch), dir);
        }
        if (k.get("namespace") instanceof String namespace) {
            for (Map<String, Object> resource : resources) {
                if (!CLUSTER_SCOPED.contains(kind(resource))) {
                    child(resource, "metadata").put("namespace", namespace);
                }
            }
        }
        for (Object labels : list(k.get("labels"))) {
            applyLabels(resources, map(labels), dir);
        }
        for (Object image : list(k.get("images"))) {
            applyImage(resources, map(image), dir);
        }

        // The name hash comes last; references to the old names follow the rename.
        Map<String, String> renamed = new HashMap<>();
        for (Map<String, Object> generated : toHash) {
            String old = name(generated);
            String hashed = old + "-" + nameHash(generated);
            child(generated, "metadata").put("name", hashed);
            renamed.put(kind(generated) + "/" + old, hashed);
        }
        if (!renamed.isEmpty()) {
            resources.forEach(resource -> renameReferences(resource, renamed));
        }
        return resources;
    }

    private static Path kustomizationFile(Path dir) {
        return Stream.of("kustomization.yaml", "kustomization.yml", "Kustomization")
                .map(dir::resolve).filter(Files::isRegularFile).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no kustomization in " + dir));
    }

    private static Map<String, Object> generate(String kind, Map<String, Object> spec, Path dir) {
        Set<String> fields = new TreeSet<>(spec.keySet());
        fields.removeAll(Set.of("name", "literals", "type", "options", "behavior"));
        Set<String> options = new TreeSet<>(map(spec.get("options")).keySet());
        options.remove("disableNameSuffixHash");
        if (!fields.isEmpty() || !options.isEmpty() || !"create".equals(spec.getOrDefault("behavior", "create"))
                || (kind.equals("ConfigMap") && spec.containsKey("type"))) {
            throw new UnsupportedOperationException(dir + ": generator " + spec);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        for (Object literal : list(spec.get("literals"))) {
            String text = str(literal);
            int eq = text.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException(dir + ": literal without key: " + text);
            String value = text.substring(eq + 1);
            data.put(text.substring(0, eq), kind.equals("Secret") ? kustomizeBase64(value) : value);
        }
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("apiVersion", "v1");
        resource.put("kind", kind);
        resource.put("metadata", new LinkedHashMap<>(Map.of("name", str(spec.get("name")))));
        resource.put("data", data);
        if (kind.equals("Secret")) {
            resource.put("type", spec.getOrDefault("type", "Opaque"));
        }
        return resource;
    }

    /** Base64 as kustomize writes Secret data: lines of 70, each ended by a newline when there are several. */
    private static String kustomizeBase64(String value) {
        String encoded = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
        if (encoded.length() < 70) return encoded;
        StringBuilder wrapped = new StringBuilder();
        for (int i = 0; i < encoded.length(); i += 70) {
            wrapped.append(encoded, i, Math.min(encoded.length(), i + 70)).append('\n');
        }
        return wrapped.toString();
    }

    /**
     * kustomize's name suffix: the first 10 hex digits of a SHA-256 over a Go-style JSON encoding
     * of kind, data (and type), with a few letters swapped. The name field it hashes is always
     * empty: kustomize looks it up as one key "metadata/name", which never exists.
     */
    static String nameHash(Map<String, Object> resource) {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("kind", kind(resource));
        fields.put("name", "");
        fields.put("data", resource.containsKey("data") ? new TreeMap<>(map(resource.get("data"))) : "");
        if (kind(resource).equals("Secret")) {
            fields.put("type", resource.getOrDefault("type", ""));
        }
        String hex = sha256Hex(goJson(fields));
        StringBuilder out = new StringBuilder();
        for (char c : hex.substring(0, 10).toCharArray()) {
            out.append(switch (c) {
                case '0' -> 'g';
                case '1' -> 'h';
                case '3' -> 'k';
                case 'a' -> 'm';
                case 'e' -> 't';
                default -> c;
            });
        }
        return out.toString();
    }

    /** JSON as Go's encoding/json writes it: sorted map keys, HTML characters escaped. */
    private static String goJson(Object value) {
        if (value instanceof Map<?, ?> m) {
            StringBuilder out = new StringBuilder("{");
            new TreeMap<>(castMap(m)).forEach((key, v) -> {
                if (out.length() > 1) out.append(',');
                out.append(goJson(key)).append(':').append(goJson(v));
            });
            return out.append('}').toString();
        }
        if (value instanceof String s) {
            StringBuilder out = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '<', '>', '&', '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
                    default -> {
                        if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                        else out.append(c);
                    }
                }
            }
            return out.append('"').toString();
        }
        throw new UnsupportedOperationException("cannot hash a " + value.getClass().getSimpleName());
    }

    private static void applyPatch(List<Map<String, Object>> resources, Map<String, Object> spec, Path dir)
            throws IOException {
        if (spec.containsKey("target") || spec.containsKey("options")) {
            throw new UnsupportedOperationException(dir + ": patch with target or options " + spec);
        }
        List<Object> docs = spec.containsKey("path")
                ? loadYaml(dir.resolve(str(spec.get("path"))))
                : yamlDocuments(str(spec.get("patch"))).stream().map(d -> (Object) d).toList();
        for (Object doc : docs) {
            Map<String, Object> patch = map(doc);
            String kind = kind(patch);
            String name = name(patch);
            int index = -1;
            for (int i = 0; i < resources.size(); i++) {
                if (kind(resources.get(i)).equals(kind) && name(resources.get(i)).equals(name)) {
                    if (index >= 0) throw new IllegalStateException(dir + ": patch matches twice: " + kind + "/" + name);
                    index = i;
                }
            }
            if (index < 0) throw new IllegalStateException(dir + ": patch matches nothing: " + kind + "/" + name);
            Map<String, Object> target = resources.get(index);
            resources.set(index, map(merge(target, patch, "", BUILT_IN.contains(kind))));
        }
    }

    /** Strategic merge: maps merge, null deletes, keyed lists of built-in kinds merge by key, other lists are replaced. */
    private static Object merge(Object base, Object patch, String path, boolean builtIn) {
        if (patch instanceof Map<?, ?> patchMap && base instanceof Map<?, ?> baseMap) {
            Map<String, Object> out = new LinkedHashMap<>(castMap(baseMap));
            castMap(patchMap).forEach((key, value) -> {
                if (key.startsWith("$")) throw new UnsupportedOperationException("patch directive " + key);
                if (value == null) {
                    out.remove(key);
                } else {
                    out.put(key, out.containsKey(key) ? merge(out.get(key), value, path + "/" + key, builtIn) : copy(value));
                }
            });
            return out;
        }
        if (builtIn && patch instanceof List<?> patchList && base instanceof List<?> baseList) {
            String mergeKey = MERGE_KEYS.entrySet().stream()
                    .filter(e -> path.endsWith(e.getKey())).map(Map.Entry::getValue).findFirst().orElse(null);
            if (mergeKey != null) {
                List<Object> out = new ArrayList<>(baseList);
                for (Object item : patchList) {
                    Object key = map(item).get(mergeKey);
                    int at = -1;
                    for (int i = 0; i < out.size(); i++) {
                        if (key != null && key.equals(map(out.get(i)).get(mergeKey))) at = i;
                    }
                    if (at >= 0) out.set(at, merge(out.get(at), item, path + "[]", builtIn));
                    else out.add(copy(item));
                }
                return out;
            }
        }
        return copy(patch);
    }

    private static void applyLabels(List<Map<String, Object>> resources, Map<String, Object> spec, Path dir) {
        Set<String> fields = new TreeSet<>(spec.keySet());
        fields.removeAll(Set.of("pairs", "includeTemplates", "includeSelectors"));
        if (!fields.isEmpty() || Boolean.TRUE.equals(spec.get("includeSelectors"))) {
            throw new UnsupportedOperationException(dir + ": labels " + spec);
        }
        Map<String, Object> pairs = map(spec.get("pairs"));
        for (Map<String, Object> resource : resources) {
            child(child(resource, "metadata"), "labels").putAll(pairs);
            if (Boolean.TRUE.equals(spec.get("includeTemplates")) && WORKLOADS.contains(kind(resource))) {
                child(child(child(child(resource, "spec"), "template"), "metadata"), "labels").putAll(pairs);
            }
        }
    }

    private static void applyImage(List<Map<String, Object>> resources, Map<String, Object> spec, Path dir) {
        Set<String> fields = new TreeSet<>(spec.keySet());
        fields.removeAll(Set.of("name", "newName", "newTag", "digest"));
        if (!fields.isEmpty()) throw new UnsupportedOperationException(dir + ": images " + spec);
        String wanted = str(spec.get("name"));
        for (Map<String, Object> resource : resources) {
            if (!WORKLOADS.contains(kind(resource))) continue;
            Map<String, Object> pod = map(map(map(resource.get("spec")).get("template")).get("spec"));
            for (String field : List.of("initContainers", "containers")) {
                for (Map<String, Object> container : maps(pod.get(field))) {
                    String image = str(container.get("image"));
                    int at = image.indexOf('@');
                    String name = at >= 0 ? image.substring(0, at) : image;
                    String digest = at >= 0 ? image.substring(at) : "";
                    String tag = "";
                    int colon = name.lastIndexOf(':');
                    if (colon > name.lastIndexOf('/')) {
                        tag = name.substring(colon);
                        name = name.substring(0, colon);
                    }
                    if (!name.equals(wanted)) continue;
                    if (spec.get("newName") != null) name = str(spec.get("newName"));
                    if (spec.get("newTag") != null) tag = ":" + spec.get("newTag");
                    if (spec.get("digest") != null) {
                        tag = "";
                        digest = "@" + spec.get("digest");
                    }
                    container.put("image", name + tag + digest);
                }
            }
        }
    }

    /** Points the pod templates' config and secret references at generated names. */
    private static void renameReferences(Map<String, Object> resource, Map<String, String> renamed) {
        if (!WORKLOADS.contains(kind(resource))) return;
        Map<String, Object> pod = map(map(map(resource.get("spec")).get("template")).get("spec"));
        for (String field : List.of("initContainers", "containers")) {
            for (Map<String, Object> container : maps(pod.get(field))) {
                for (Map<String, Object> from : maps(container.get("envFrom"))) {
                    rename(map(from.get("configMapRef")), "name", "ConfigMap", renamed);
                    rename(map(from.get("secretRef")), "name", "Secret", renamed);
                }
                for (Map<String, Object> variable : maps(container.get("env"))) {
                    Map<String, Object> valueFrom = map(variable.get("valueFrom"));
                    rename(map(valueFrom.get("configMapKeyRef")), "name", "ConfigMap", renamed);
                    rename(map(valueFrom.get("secretKeyRef")), "name", "Secret", renamed);
                }
            }
        }
        for (Map<String, Object> volume : maps(pod.get("volumes"))) {
            rename(map(volume.get("configMap")), "name", "ConfigMap", renamed);
            rename(map(volume.get("secret")), "secretName", "Secret", renamed);
            for (Map<String, Object> source : maps(map(volume.get("projected")).get("sources"))) {
                rename(map(source.get("configMap")), "name", "ConfigMap", renamed);
                rename(map(source.get("secret")), "name", "Secret", renamed);
            }
        }
    }

    private static void rename(Map<String, Object> ref, String field, String kind, Map<String, String> renamed) {
        String now = renamed.get(kind + "/" + ref.get(field));
        if (now != null) ref.put(field, now);
    }

    // --- YAML helpers, shared with the manifest tests ----------------------------------------

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    public static List<Object> loadYaml(Path file) throws IOException {
        List<Object> docs = new ArrayList<>();
        for (Object doc : yaml().loadAll(Files.readString(file))) {
            if (doc != null) docs.add(doc);
        }
        return docs;
    }

    public static List<Map<String, Object>> yamlDocuments(String text) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : yaml().loadAll(text)) {
            if (doc != null) docs.add(map(doc));
        }
        return docs;
    }

    public static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String kind(Map<String, Object> resource) {
        return str(resource.get("kind"));
    }

    public static String name(Map<String, Object> resource) {
        return str(map(resource.get("metadata")).get("name"));
    }

    public static String str(Object value) {
        return value == null ? "" : value.toString();
    }

    /** The map at key, created when missing, so transformers can write into it. */
    public static Map<String, Object> child(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        if (value instanceof Map<?, ?> m) return castMap(m);
        Map<String, Object> created = new LinkedHashMap<>();
        parent.put(key, created);
        return created;
    }

    /** A YAML mapping, or an empty one for null, so lookups chain. */
    public static Map<String, Object> map(Object value) {
        if (value == null) return new LinkedHashMap<>();
        if (value instanceof Map<?, ?> m) return castMap(m);
        throw new IllegalArgumentException("not a mapping: " + value);
    }

    public static List<Object> list(Object value) {
        if (value == null) return new ArrayList<>();
        if (value instanceof List<?> l) return new ArrayList<>(l);
        throw new IllegalArgumentException("not a list: " + value);
    }

    public static List<Map<String, Object>> maps(Object value) {
        return list(value).stream().map(Kustomize::map).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    public static Object copy(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            castMap(m).forEach((k, v) -> out.put(k, copy(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            return new ArrayList<>(l.stream().map(Kustomize::copy).toList());
        }
        return value;
    }
}
