// A loadable library without cisterna_plugin_api_version / cisterna_register_plugin:
// the plugin loader must report it and carry on.
extern "C" int cisterna_test_not_a_plugin() {
    return 42;
}
