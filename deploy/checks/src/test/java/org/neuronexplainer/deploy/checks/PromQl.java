package org.neuronexplainer.deploy.checks;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names a PromQL expression reads: what is left after functions, labels and syntax. */
final class PromQl {

  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "inf",
          "nan");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private PromQl() {}

  static Set<String> metricNames(String expr) {
    String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\""); // string literals
    s = s.replaceAll("\\$\\{?\\w+\\}?", "1"); // Grafana variables ($__range, ${datasource})
    s = s.replaceAll("\\{[^}]*}", " "); // label matchers
    s = s.replaceAll("\\[[^]]*]", " "); // ranges and subqueries
    // label lists of by / without / on / ignoring / group_left / group_right
    s = s.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      String id = m.group();
      int next = m.end();
      while (next < s.length() && Character.isWhitespace(s.charAt(next))) {
        next++;
      }
      boolean isCall = next < s.length() && s.charAt(next) == '(';
      boolean isNumberPart = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1));
      if (!isCall && !isNumberPart && !KEYWORDS.contains(id.toLowerCase())) {
        names.add(id);
      }
    }
    return names;
  }
}
