//! JSON Lines and Prometheus responses.

use crate::series::tests::*;
use crate::series::*;

#[test]
fn json_lines_one_process() {
    let input = r#"
{"time":1764000000.5,"pid":3136,"comm":"postgres","tcp":12,"unix":3}
{"time":1764000005.5,"pid":3136,"comm":"postgres","tcp":13,"unix":null}
{"t":"2025-11-24T16:00:10Z","pid":3136,"tcp":14,"unix":3,"ok":true,"tags":[1]}
{"timestamp":1764000015000,"tcp":15,"fds":{"reg":4,"pipe":2}}
"#;
    let r = ok(input);
    // Nested objects come sorted (serde_json's map); top-level fields in order.
    assert_eq!(names(&r), ["tcp", "unix", "tcp", "fds.pipe", "fds.reg"]);
    assert_eq!(
        r.of(0),
        [
            (T0 + 0.5, Some(12.0)),
            (T0 + 5.5, Some(13.0)),
            (T0 + 10.0, Some(14.0))
        ]
    );
    assert_eq!(r.of(1)[1], (T0 + 5.5, None));
    assert_eq!(r.of(2), [(T0 + 15.0, Some(15.0))]);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn json_lines_several_processes() {
    let input = r#"{"time":1764000000,"pid":3136,"comm":"postgres","tcp":12}
{"time":1764000000,"pid":3137,"comm":"postgres","tcp":2}
{"time":1764000005,"pid":3136,"comm":"postgres","tcp":13}
"#;
    let r = ok(input);
    assert_eq!(names(&r), ["3136:tcp", "3137:tcp"]);
    assert_eq!(r.of(0), [(T0, Some(12.0)), (T0 + 5.0, Some(13.0))]);
    // The sink heard the first name before the rename.
    let o = Options {
        y: vec![Column::Name("3137:tcp".into())],
        ..utc()
    };
    let r = run(input, o);
    assert_eq!(names(&r), ["3137:tcp"]);
    assert_eq!(r.c.points, [(0, T0, Some(2.0))]);
}

#[test]
fn json_lines_malformed() {
    let input = r#"{"time":1764000000,"tcp":1}
{"time":1764000005,"tcp":
{"tcp":3}
{"time":"yesterday","tcp":4}
[1,2]
time,tcp
{"time":1764000010,"tcp":5}
"#;
    let r = ok(input);
    assert_eq!(r.of(0), [(T0, Some(1.0)), (T0 + 10.0, Some(5.0))]);
    assert_eq!(
        r.warnings,
        [
            "line 2: expected a JSON object: EOF while parsing a value (column 25)",
            "line 3: no \"time\" or \"t\" or \"timestamp\" or \"ts\" field",
            "line 4: field \"time\": expected a time, found \"yesterday\"",
            "line 5: expected a JSON object: invalid type: sequence, expected a JSON object (column 0)",
            "line 6: expected a JSON object: expected ident (column 2)",
            "7 lines read, 2 rows of data, 5 rejected (line 2, line 3, line 4, and 2 more)",
        ]
    );
    let o = Options {
        format: InputFormat::Jsonl,
        y: vec![Column::Index(2)],
        ..utc()
    };
    assert_eq!(
        run(input, o).err(),
        "-y 2: JSON fields are picked by name, not number"
    );
    // -x names the time field; --no-time counts records.
    let o = Options {
        x: Some(Column::Name("at".into())),
        ..utc()
    };
    let r = run("{\"at\":1764000000,\"time\":5}\n", o);
    assert_eq!(names(&r), ["time"]);
    assert_eq!(r.c.points, [(0, T0, Some(5.0))]);
    let r = ok("{\"t\":21.5,\"time\":1764000000}\n");
    assert_eq!(names(&r), ["t"]);
    assert_eq!(r.c.points, [(0, T0, Some(21.5))]);
    let o = Options {
        no_time: true,
        ..utc()
    };
    let r = run("{\"a\":5}\n{\"a\":6}\n", o);
    assert_eq!(r.c.points, [(0, 1.0, Some(5.0)), (0, 2.0, Some(6.0))]);
}

const MATRIX: &str = r#"{
  "status": "success",
  "data": {
    "resultType": "matrix",
    "result": [
      {
        "metric": {"__name__": "fdcount_open_fds", "job": "fdcount", "kind": "tcp", "pid": "3136"},
        "values": [[1764000000, "12"], [1764000015, "13"], [1764000030.5, "NaN"]]
      },
      {
        "metric": {"__name__": "fdcount_open_fds", "job": "fdcount", "kind": "unix", "pid": "3136"},
        "values": [[1764000000, "3"], [1764000015, "+Inf"]]
      }
    ]
  }
}
"#;

#[test]
fn prometheus_matrix() {
    let r = ok(MATRIX);
    assert_eq!(
        names(&r),
        [
            "fdcount_open_fds{kind=\"tcp\"}",
            "fdcount_open_fds{kind=\"unix\"}"
        ]
    );
    assert_eq!(
        r.of(0),
        [(T0, Some(12.0)), (T0 + 15.0, Some(13.0)), (T0 + 30.5, None)]
    );
    assert_eq!(r.of(1), [(T0, Some(3.0)), (T0 + 15.0, None)]);
    // The same on one line, forced, and twice in a row (two queries).
    let one_line: String = MATRIX.lines().map(str::trim).collect();
    let r = run(
        &format!("{one_line}\n{one_line}{one_line}\n"),
        Options {
            format: InputFormat::Prometheus,
            ..utc()
        },
    );
    assert!(r.result.is_ok(), "{:?}", r.result);
    assert_eq!(r.c.names.len(), 2);
    assert_eq!(r.of(0).len(), 9);
    // -y picks results by name or number.
    let o = Options {
        y: vec![Column::Name("fdcount_open_fds{kind=\"unix\"}".into())],
        ..utc()
    };
    assert_eq!(names(&run(MATRIX, o)), ["fdcount_open_fds{kind=\"unix\"}"]);
    let o = Options {
        y: vec![Column::Index(1)],
        ..utc()
    };
    assert_eq!(names(&run(MATRIX, o)), ["fdcount_open_fds{kind=\"tcp\"}"]);
}

#[test]
fn prometheus_names() {
    // One series keeps just its metric name; one without any name or
    // distinguishing labels keeps them all; escapes follow Prometheus.
    let r = ok(
        r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"a"},"value":[1764000000,"1"]}]}}"#,
    );
    assert_eq!(names(&r), ["up"]);
    assert_eq!(r.c.points, [(0, T0, Some(1.0))]);
    let r = ok(
        r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1764000000,"2"]},{"metric":{"path":"a\"b\\c"},"value":[1764000000,"3"]}]}}"#,
    );
    assert_eq!(names(&r), ["{}", "{path=\"a\\\"b\\\\c\"}"]);
    let r = ok(r#"{"status":"success","data":{"resultType":"scalar","result":[1764000000,"42"]}}"#);
    assert_eq!(names(&r), ["scalar"]);
    assert_eq!(r.c.points, [(0, T0, Some(42.0))]);
    // A later query with another label set renames the earlier series.
    let a = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"x","pid":"1"},"value":[1764000000,"1"]}]}}"#;
    let b = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"x","pid":"2"},"value":[1764000000,"2"]}]}}"#;
    let r = ok(&format!("{a}\n{b}\n"));
    assert_eq!(names(&r), ["x{pid=\"1\"}", "x{pid=\"2\"}"]);
}

#[test]
fn prometheus_errors() {
    let r = run(
        r#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:5: parse error: unexpected end of input"}"#,
        utc(),
    );
    assert_eq!(
        r.err(),
        "Prometheus query failed: bad_data: invalid parameter \"query\": 1:5: parse error: unexpected end of input"
    );
    let r = run(
        "{\n \"status\": \"success\",\n \"data\": {\"resultType\": \"matrix\",\n",
        utc(),
    );
    assert_eq!(
        r.err(),
        "line 1: the JSON document starting here is incomplete"
    );
    let r = run(
        r#"{"status":"success","data":{"resultType":"string","result":[1764000000,"x"]}}"#,
        utc(),
    );
    assert_eq!(
        r.err(),
        "line 1: Prometheus result type \"string\" holds no series to plot"
    );
    let r = run("{\n\"status\": 5\n}\n", utc());
    assert_eq!(
        r.err(),
        "line 1: not a Prometheus API response: invalid type: integer `5`, expected a string (column 11)"
    );
    let r = run(&format!("{MATRIX}1764000000,1\n"), utc());
    assert_eq!(
        r.err(),
        "line 17: expected a JSON document (a Prometheus API response), found \"1764000000,1\""
    );
    let r = run(
        r#"{"status":"success","warnings":["too many samples"],"data":{"resultType":"matrix","result":[]}}"#,
        utc(),
    );
    assert!(r.result.is_ok());
    assert_eq!(r.warnings, ["Prometheus warning: too many samples"]);
    assert_eq!(r.points, 0);
}

#[test]
fn y_by_name_selector_or_label_matcher() {
    let doc = r#"{"status":"success","data":{"resultType":"matrix","result":[
{"metric":{"__name__":"fds","kind":"tcp"},"values":[[1764000000,"3"]]},
{"metric":{"__name__":"fds","kind":"unix"},"values":[[1764000000,"5"]]}]}}"#;
    let y = |s: &str| Options {
        y: vec![Column::Name(s.into())],
        ..utc()
    };
    for sel in [r#"kind="tcp""#, r#"fds{kind="tcp"}"#, r#"{kind!="unix"}"#] {
        let r = run(doc, y(sel));
        assert_eq!(r.c.points, [(0, T0, Some(3.0))], "{sel}");
    }
    let r = run(doc, y("nosuch"));
    assert_eq!(
        r.err(),
        "-y nosuch: no series named or matching \"nosuch\" (series: fds{kind=\"tcp\"}, fds{kind=\"unix\"})"
    );
    // JSON Lines: an unknown key lists the keys there are.
    let r = run(r#"{"time":1764000000,"tcp":1,"unix":2}"#, y("udp"));
    assert_eq!(
        r.err(),
        "-y udp: no field named \"udp\" (fields: tcp, unix)"
    );
}
