// Stands in for ECharts when it was not installed at build time
// (scripts/install-deps.sh installs it into web/node_modules): the dashboard
// shows its tables and, in place of each chart, how to get the charts.
window.echarts = null;
